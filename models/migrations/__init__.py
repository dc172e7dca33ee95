"""Alembic migrations of Årshjul's schema; ``arshjul db upgrade`` runs them."""
