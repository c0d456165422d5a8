from surveys import create_app

app = create_app()
