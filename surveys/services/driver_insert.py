"""Many rows into one table, compiled once per dialect and sent in one driver call.

For a list of rows, ``Connection.execute`` rebuilds each row's parameters
through the compiled statement before the driver sees them; for a response's
twenty-odd answers that cost more than SQLite spent storing them
(docs/benchmarks.md, "Load and faults"). Here SQLAlchemy compiles the INSERT
once per dialect and ``Connection.exec_driver_sql`` runs it on the same
connection and transaction. Values still go through the columns' own type
processors (JSON, for one). Column defaults are not applied: every column
named is given a value by the caller.
"""


class DriverInsert:
    def __init__(self, table, columns):
        self.statement = table.insert()
        self.columns = list(columns)
        self._compiled = {}  # (dialect, driver) -> (sql, positional, names, processors)

    def _for(self, dialect):
        # Per driver too: psycopg binds JSON with its own wrapper, other drivers as text.
        key = (dialect.name, dialect.driver)
        found = self._compiled.get(key)
        if found is None:
            # For many rows: no RETURNING of each new id (PostgreSQL adds one otherwise).
            compiled = self.statement.compile(
                dialect=dialect, column_keys=self.columns, for_executemany=True
            )
            names = tuple(compiled.positiontup if compiled.positional else compiled.binds)
            if sorted(names) != sorted(self.columns):
                # A column default SQLAlchemy would fill in: give it a value instead.
                raise ValueError(f"{self.statement} binds {names}, not {self.columns}")
            processors = tuple(
                compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
                for name in names
            )
            found = self._compiled[key] = (
                compiled.string,
                compiled.positional,
                names,
                processors,
            )
        return found

    def execute(self, connection, rows):
        """Insert ``rows`` (dicts with every column), in one ``executemany``."""
        if not rows:
            return
        sql, positional, names, processors = self._for(connection.dialect)
        bound = []
        for row in rows:
            values = [
                process(row[name]) if process else row[name]
                for name, process in zip(names, processors, strict=True)
            ]
            bound.append(tuple(values) if positional else dict(zip(names, values, strict=True)))
        connection.exec_driver_sql(sql, bound)
