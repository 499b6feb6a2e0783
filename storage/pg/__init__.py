"""The PostgreSQL engine of the store (asyncpg): connections, the database, its migrations."""
