"""Adapters: other libraries and protocols on top of the runtime (protobuf messages, the syncer)."""
