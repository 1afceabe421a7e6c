"""Preparing a user's model (a SavedModel or a .keras file) so every path can run it.

scripts/bench --saved_model=DIR | --keras=FILE runs `prepare.prepare(options)`
before it builds anything: it checks the model and the flags (one-line errors,
exit 2), fixes every input shape, re-saves the chosen signature with static
shapes, computes the golden output in TF Python (twice: stable and finite),
counts the FMAs XLA compiles and the weight bytes, and notes what cannot apply
(XLA cannot compile an op, ...). The result is one folder in a
content-addressed cache (tflatency.prepare.cache) holding saved_model/ and the
golden files of tflatency.golden (model_info.json is the model's spec).
"""
