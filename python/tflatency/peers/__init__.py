"""The engines users pick instead of TensorFlow, on the model's own weights (//python:peer_bench).

One small module per engine, each with the same interface (see cases.py):

  numpy_engine        the model in tuned float32 NumPy
  jax_engine          the model in jax.numpy under jax.jit
  onnxruntime_engine  tf2onnx conversion of the SavedModel, run by ONNX Runtime
  tflite_engine       TFLiteConverter conversion, run by ai_edge_litert's Interpreter
  torch_engine        torch.nn.LSTM/GRU on the weights: eager, TorchScript, torch.compile, AOTInductor
  openvino_engine     openvino.convert_model of the SavedModel, run by OpenVINO's CPU plugin (f32)
  iree_engine         tf2onnx + iree-import-onnx + iree-compile (llvm-cpu), run by IREE's local-sync driver

and the bits they share:

  quiet         log levels and the stderr filter for engines' start-up chatter
  pinning       --pin_cpu: pin every thread of the process to one CPU
  model         the golden vectors, config and exported weights every engine runs on
  savedmodel    TensorFlow import and SavedModel load, for the converting engines
  tf2onnx_convert  the SavedModel as ONNX, for ONNX Runtime and IREE
  cases         the benchmark case names and which engine and variant each one is
  context       engine versions, pinning and conversion times for the report
"""
