"""One interactions.py Extension per feature, discovered by walking this package
(modules starting with "_" are helpers, not extensions)."""
