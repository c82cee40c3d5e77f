using System.Numerics;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.JSInterop;

namespace LuffyBlazor.Tests.Components;

/// <summary>A circuit's JS runtime builds no JSON metadata for int's numeric and formatting interfaces, and serializes as before.</summary>
public sealed class CircuitJsonMetadataTests(LuffyAppFactory app) : IClassFixture<LuffyAppFactory>
{
    private static JsonSerializerOptions OptionsOf(IJSRuntime runtime) => (JsonSerializerOptions)typeof(JSRuntime)
        .GetProperty("JsonSerializerOptions", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)!.GetValue(runtime)!;

    [Fact]
    public void A_circuits_runtime_has_no_metadata_for_ints_interfaces()
    {
        using var scope = app.Services.CreateScope();
        var runtime = scope.ServiceProvider.GetRequiredService<IJSRuntime>();
        var options = OptionsOf(runtime);

        Assert.Equal("Microsoft.AspNetCore.Components.Server.Circuits.RemoteJSRuntime", runtime.GetType().FullName);
        Assert.False(options.TryGetTypeInfo(typeof(INumber<int>), out _));
        Assert.False(options.TryGetTypeInfo(typeof(IComparable<int>), out _));
        Assert.False(options.TryGetTypeInfo(typeof(ISpanFormattable), out _));
        Assert.True(options.TryGetTypeInfo(typeof(IReadOnlyDictionary<string, List<string>>), out _));
    }

    [Fact]
    public void The_renderers_first_call_serializes_as_before()
    {
        using var scope = app.Services.CreateScope();
        var options = OptionsOf(scope.ServiceProvider.GetRequiredService<IJSRuntime>());
        object[] args = [1, new Dictionary<string, List<string>> { ["a"] = ["b"] }, 2.5m, "文字", new { Id = 7 }];

        var blazors = new JsonSerializerOptions(options) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

        Assert.Equal(JsonSerializer.Serialize(args, blazors), JsonSerializer.Serialize(args, options));
        Assert.StartsWith("[1,{\"a\":[\"b\"]},2.5,", JsonSerializer.Serialize(args, options));
    }
}
