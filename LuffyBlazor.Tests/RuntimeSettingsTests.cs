using System.Text.Json;

namespace LuffyBlazor.Tests;

/// <summary>The runtime settings the app is built with (its runtimeconfig.json, next to the tests' own build of it).</summary>
public sealed class RuntimeSettingsTests
{
    private static JsonElement ConfigProperties()
    {
        using var file = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "LuffyBlazor.runtimeconfig.json"));
        return JsonDocument.Parse(file).RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }

    [Fact]
    public void The_app_runs_the_concurrent_workstation_garbage_collector()
    {
        // Workstation GC keeps a circuit's working set a quarter smaller on 2 cores at no throughput cost
        // (bench/README.md, "Workstation or Server GC"); an SDK default must not switch it back silently.
        var properties = ConfigProperties();

        Assert.False(properties.GetProperty("System.GC.Server").GetBoolean());
        Assert.False(properties.TryGetProperty("System.GC.Concurrent", out var concurrent) && !concurrent.GetBoolean());
    }
}
