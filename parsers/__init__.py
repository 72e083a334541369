"""Reading customer replies: raw RFC 5322 bytes in, a typed ``Reading`` out.

Pure code: no database, no network, no clock. Imports nothing else of arbot's.
"""
