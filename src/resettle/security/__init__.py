"""Security as data: roles, permissions, field sections, audit chain, field encryption.

Pure code: no web framework or database here. The adapters enforce what these tables say.
"""
