"""Stardust: an anime-character gacha game for Discord whose game engine is PostgreSQL."""

__version__ = "0.1.0"
