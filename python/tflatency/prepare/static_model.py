"""Re-saves one signature of a SavedModel with every input shape static, as `serving_default`.

XLA's AOT compiler needs fully defined input shapes ("Expected fully defined
input shape"), and every path should run the very same graph, so each path gets
this copy rather than the user's original. The variables stay variables (the
AOT compiler freezes them itself); the inputs and outputs keep their names.
"""

from tflatency.prepare import saved_model

SIGNATURE = "serving_default"


def save(loaded, function, static_inputs, out_dir):
    """Saves `function` (a signature of the SavedModel `loaded`) traced at `static_inputs` into out_dir.

    Returns the static concrete function (its outputs have static shapes where
    the model's computation allows).
    """
    tf = saved_model.import_tensorflow()
    names = [t.name for t in static_inputs]
    specs = [tf.TensorSpec(t.shape, t.dtype, name=t.name) for t in static_inputs]

    module = tf.Module()
    module.model = loaded  # tracks the variables the signature captures

    @tf.function(input_signature=specs)
    def serve(*args):
        return function(**dict(zip(names, args)))

    concrete = serve.get_concrete_function()
    module.serve = serve
    tf.saved_model.save(module, out_dir, signatures={SIGNATURE: concrete})
    return concrete
