"""Backends: building the OpenAI clients, retrying, and the embedded local model.

:mod:`.retry` (tenacity: transport errors, 429, 5xx, ``Retry-After``), :mod:`.compat`
(the llama.cpp request rewrite and the local clients), :mod:`.model_store` (the GGUF
assembled from its chunk packages and verified) and :mod:`.server` (llama_cpp.server on
loopback, one per process). Only :mod:`pactlens._pipeline` uses this layer.
"""
