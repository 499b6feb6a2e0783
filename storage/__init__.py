"""The dossier store: schema, migrations, queries and the importer (all SQL lives here)."""
