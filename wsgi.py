from bv import create_app

app = create_app()
