// Project shell; the inference engine lands under OnnxRuntime/, Tokenization/ and Models/.
