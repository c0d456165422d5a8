"""Many rows into one table in one statement, compiled once per dialect and row count.

For a list of rows, ``Connection.execute`` rebuilds each row's parameters
through the compiled statement before the driver sees them; for a response's
twenty-odd answers that cost more than SQLite spent storing them
(docs/benchmarks.md, "Load and faults"). Here SQLAlchemy compiles one
``INSERT ... VALUES (...), (...), ...`` per dialect and number of rows, and
``Connection.exec_driver_sql`` runs it on the same connection and transaction:
one statement, not one per row (PostgreSQL spent twice as long on twenty-one
pipelined single-row INSERTs as on one of twenty-one rows). Values still go
through the columns' own type processors (JSON, for one). Column defaults are
not applied: every column named is given a value by the caller.
"""

from sqlalchemy import bindparam

# Rows per statement: 4 columns x 100 rows stays far below every engine's
# limit on parameters (999 for an old SQLite build).
ROWS_PER_STATEMENT = 100


class DriverInsert:
    def __init__(self, table, columns):
        self.table = table
        self.columns = list(columns)
        self._compiled = {}  # (dialect, driver, rows) -> (sql, positional, names, processors)

    def _for(self, dialect, count):
        # Per driver too: psycopg binds JSON with its own wrapper, other drivers as text.
        key = (dialect.name, dialect.driver, count)
        found = self._compiled.get(key)
        if found is None:
            values = [
                {column: bindparam(f"{column}_{row}") for column in self.columns}
                for row in range(count)
            ]
            statement = self.table.insert().values(values)
            compiled = statement.compile(dialect=dialect)
            names = tuple(compiled.positiontup if compiled.positional else compiled.binds)
            expected = {f"{column}_{row}" for column in self.columns for row in range(count)}
            if set(names) != expected or len(names) != len(expected):
                # A column default SQLAlchemy would fill in: give it a value instead.
                raise ValueError(f"{statement} binds {sorted(names)}, not {self.columns}")
            # Each bound name as (row, column), so that a row's value is found without parsing.
            places = tuple((int(row), column) for column, row in (n.rsplit("_", 1) for n in names))
            # Only the first row's parameters carry their column's type: use the columns'.
            by_column = {
                column: self.table.c[column].type.dialect_impl(dialect).bind_processor(dialect)
                for column in self.columns
            }
            processors = tuple(by_column[column] for _row, column in places)
            found = self._compiled[key] = (
                compiled.string,
                compiled.positional,
                names,
                places,
                processors,
            )
        return found

    def execute(self, connection, rows):
        """Insert ``rows`` (dicts with every column), a hundred to a statement."""
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            self._insert(connection, rows[start : start + ROWS_PER_STATEMENT])

    def _insert(self, connection, rows):
        sql, positional, names, places, processors = self._for(connection.dialect, len(rows))
        values = [
            process(rows[row][column]) if process else rows[row][column]
            for (row, column), process in zip(places, processors, strict=True)
        ]
        connection.exec_driver_sql(
            sql, tuple(values) if positional else dict(zip(names, values, strict=True))
        )
