using Microsoft.ML.OnnxRuntime.Tensors;
using SemanticRouter.Inference.OnnxRuntime;

namespace SemanticRouter.Inference.Tests;

public sealed class OrtSessionTests
{
    [Theory]
    [InlineData(FixtureModels.Classifier)]
    [InlineData(FixtureModels.TokenClassifier)]
    [InlineData(FixtureModels.MultiHead)]
    public void Raw_outputs_match_the_pytorch_reference_within_1e4(string model)
    {
        using var session = OrtSession.Load(FixtureModels.OnnxFile(model));
        foreach (var c in FixtureModels.Reference(model))
        {
            var inputs = new List<OrtInput>
            {
                new("input_ids", ReferenceCase.Flatten(c.InputIds), c.Shape),
                new("attention_mask", ReferenceCase.Flatten(c.AttentionMask), c.Shape),
            };
            if (session.HasInput("token_type_ids"))
            {
                inputs.Add(new("token_type_ids", new long[c.Shape[0] * c.Shape[1]], c.Shape));
            }

            var names = c.Outputs.Keys.ToList();
            var outputs = session.Run(inputs.ToArray(), names);
            for (var i = 0; i < names.Count; i++)
            {
                Assert.Equal(c.Outputs[names[i]].Shape, outputs[i].Shape);
                FixtureModels.AssertClose(c.Outputs[names[i]].Data, outputs[i].Data);
            }
        }
    }

    [Fact]
    public void Session_declares_the_inputs_and_outputs_of_the_export()
    {
        using var classifier = OrtSession.Load(FixtureModels.OnnxFile(FixtureModels.Classifier));
        using var tokens = OrtSession.Load(FixtureModels.OnnxFile(FixtureModels.TokenClassifier));

        Assert.Equal(["input_ids", "attention_mask", "token_type_ids"], classifier.Inputs.Select(i => i.Name));
        Assert.All(classifier.Inputs, i => Assert.Equal(TensorElementType.Int64, i.ElementType));
        Assert.Equal([-1L, -1L], classifier.Inputs[0].Shape);
        Assert.Equal("logits", Assert.Single(classifier.Outputs).Name);
        Assert.Equal(["input_ids", "attention_mask"], tokens.Inputs.Select(i => i.Name));
        Assert.StartsWith("1.32", OrtRuntime.Version, StringComparison.Ordinal);
    }
}
