"""The shim is a plugin for the subprocess only: never import it here."""

collect_ignore = ["skdl_scikeras_shim.py"]
