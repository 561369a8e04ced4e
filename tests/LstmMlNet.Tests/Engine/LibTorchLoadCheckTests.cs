using LstmMlNet.Engine;

namespace LstmMlNet.Tests.Engine;

public sealed class LibTorchLoadCheckTests
{
    private const string OldLibStdCxx =
        "Unable to load shared library 'LibTorchSharp' or one of its dependencies. In order to help diagnose loading problems, consider using a tool like strace.\n"
        + "/app/bin/runtimes/linux-x64/native/libLibTorchSharp.so: /lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.32' not found "
        + "(required by /app/bin/runtimes/linux-x64/native/libLibTorchSharp.so)";

    private const string NoBackend =
        "Unable to load shared library 'LibTorchSharp' or one of its dependencies.\n"
        + "/app/bin/runtimes/linux-x64/native/libLibTorchSharp.so: libtorch.so: cannot open shared object file: No such file or directory";

    private const string WrongBackend =
        "Unable to load shared library 'LibTorchSharp' or one of its dependencies.\n"
        + "/app/bin/libLibTorchSharp.so: undefined symbol: _ZN3c104impl3cow11cow_deleterEPv";

    [Fact]
    public void An_old_libstdcxx_is_named_with_the_missing_version_and_the_build_fix()
    {
        string message = LibTorchLoadCheck.Describe(OldLibStdCxx, "0.107.0");
        Assert.Contains("libstdc++ lacks GLIBCXX_3.4.32", message);
        Assert.Contains("LstmMlNet package", message);
        Assert.Contains("libstdc++ from GCC 13", message);
        Assert.EndsWith(OldLibStdCxx, message); // the loader's own words, unchanged
    }

    [Fact]
    public void A_missing_backend_names_the_package_and_version_to_add()
    {
        string message = LibTorchLoadCheck.Describe(NoBackend, "0.107.0");
        Assert.Contains("no libtorch for TorchSharp 0.107.0", message);
        Assert.Contains("dotnet add package TorchSharp-cpu --version 0.107.0", message);
        Assert.Contains("libtorch.so: cannot open shared object file", message);
    }

    [Fact]
    public void TorchSharps_own_message_about_a_missing_reference_is_kept_and_explained()
    {
        const string torchSharp = "This application or script uses TorchSharp but doesn't contain a reference to libtorch-cpu-linux-x64, Version=2.10.0.0.";
        string message = LibTorchLoadCheck.Describe(torchSharp, "0.107.0");
        Assert.Contains("TorchSharp-cpu --version 0.107.0", message);
        Assert.EndsWith(torchSharp, message);
    }

    [Fact]
    public void An_undefined_symbol_is_a_version_mismatch()
    {
        string message = LibTorchLoadCheck.Describe(WrongBackend, "0.107.0");
        Assert.Contains("does not match TorchSharp 0.107.0", message);
        Assert.Contains("exactly one TorchSharp backend package, of version 0.107.0", message);
    }

    [Fact]
    public void Libtorch_loads_here_so_the_check_passes_and_reports_the_package_version()
    {
        LibTorchLoadCheck.EnsureLoadable();
        Assert.Equal("0.107.0", LibTorchLoadCheck.TorchSharpVersion);
    }
}
