using System.Runtime.InteropServices;
using LstmMlNet.Engine;

namespace LstmMlNet.Tests.Engine;

/// <summary>The C allocator settings of a training process (<see cref="NativeAllocatorSettings"/>): applied on glibc
/// Linux by device selection, visible in glibc's own accounting, and turned off by the environment variable.</summary>
public sealed class NativeAllocatorSettingsTests
{
    private static bool Glibc => OperatingSystem.IsLinux() && !RuntimeInformation.RuntimeIdentifier.Contains("musl", StringComparison.Ordinal);

    [Theory]
    [InlineData("0", true)]
    [InlineData(" off ", true)]
    [InlineData("FALSE", true)]
    [InlineData("1", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void The_variable_turns_the_settings_off_with_0_off_or_false(string? value, bool off) =>
        Assert.Equal(off, NativeAllocatorSettings.IsOptOut(value));

    /// <summary>After device selection (what every Fit starts with) a 48 MiB block — above glibc's largest mmap threshold
    /// of 32 MiB, so with its defaults a fresh mapping — comes from a heap: glibc's count of mmapped bytes does not grow.</summary>
    [Fact]
    public void Device_selection_applies_them_and_a_large_block_then_comes_from_the_heap()
    {
        if (!Glibc || NativeAllocatorSettings.IsOptOut(Environment.GetEnvironmentVariable(NativeAllocatorSettings.OptOutVariable)))
        {
            Assert.False(NativeAllocatorSettings.EnsureApplied());
            return;
        }
        TorchRuntime.SelectDevice(new Microsoft.ML.MLContext());
        Assert.True(NativeAllocatorSettings.Active);
        Assert.True(NativeAllocatorSettings.EnsureApplied());

        const int size = 48 << 20;
        ulong before = MmappedBytes();
        IntPtr block = Marshal.AllocHGlobal(size); // malloc on Unix
        try
        {
            Marshal.WriteByte(block, 0, 1);
            Marshal.WriteByte(block, size - 1, 1);
            ulong during = MmappedBytes();
            Assert.True(during < before + size, $"glibc mmapped {during - before} bytes for a {size}-byte block: the settings are not in effect");
        }
        finally
        {
            Marshal.FreeHGlobal(block);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint Arena, OrdBlks, SmBlks, HBlks, HBlkHd, UsmBlks, FsmBlks, UordBlks, FordBlks, KeepCost;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo
    {
        public int Arena, OrdBlks, SmBlks, HBlks, HBlkHd, UsmBlks, FsmBlks, UordBlks, FordBlks, KeepCost;
    }

    [DllImport("libc.so.6", EntryPoint = "mallinfo2")]
    private static extern MallInfo2 mallinfo2();

    [DllImport("libc.so.6", EntryPoint = "mallinfo")]
    private static extern MallInfo mallinfo();

    /// <summary>glibc's bytes in mmapped chunks (mallinfo2 from glibc 2.33, the int-sized mallinfo before).</summary>
    private static ulong MmappedBytes()
    {
        try
        {
            return mallinfo2().HBlkHd;
        }
        catch (EntryPointNotFoundException)
        {
            return (ulong)(uint)mallinfo().HBlkHd;
        }
    }
}
