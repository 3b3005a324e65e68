"""Envelope encryption for seeds and private keys.

Each secret is sealed with its own random AES-256-GCM data key; the data key is wrapped
by the master key (``LUCID_MASTER_KEY``) and stored beside the ciphertext with the
master key's id, so the master key can be rotated by re-wrapping data keys only.
"""
