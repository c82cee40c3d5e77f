using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.JSInterop;

namespace LuffyBlazor.Components.Circuits;

/// <summary>
/// Trims the JSON metadata every circuit builds for itself. Blazor gives each circuit its own JS runtime with its own
/// <see cref="JsonSerializerOptions"/> (its converters are bound to that circuit), so whatever metadata a circuit's
/// interop needs is built again in every circuit and held for its life. The first interop call of every circuit
/// (the renderer's <c>attachWebRendererInterop</c>: an <c>int</c>, the renderer's object reference and two
/// dictionaries, passed as <c>object</c>) makes System.Text.Json look for polymorphism declared on every ancestor of
/// each value's type, building metadata for all of them: for <c>int</c> alone about 30 interfaces (INumber&lt;int&gt;,
/// IComparable, ISpanFormattable…). Without it, about 50 KB of each island circuit's heap (bench/README.md, issue 20). The
/// resolver here answers "no metadata" for those interfaces, which nothing serializes as a declared type (no
/// polymorphism can be declared on them either), and leaves every other type to Blazor's own resolver.
/// </summary>
public static class CircuitJsonMetadata
{
    /// <summary>Wraps the registration of the circuit's JS runtime so that each new one gets the trimming resolver.</summary>
    public static IServiceCollection TrimCircuitJsonMetadata(this IServiceCollection services)
    {
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IJSRuntime));
        if (registered is not { ImplementationType: { } runtimeType, Lifetime: ServiceLifetime.Scoped }
            || OptionsOf(runtimeType) is not { } optionsProperty)
        {
            // Not Blazor Server's registration as this version makes it: leave it as it is.
            return services;
        }

        services.Remove(registered);
        services.AddScoped(typeof(IJSRuntime), sp =>
        {
            var runtime = ActivatorUtilities.CreateInstance(sp, runtimeType);
            if (optionsProperty.GetValue(runtime) is JsonSerializerOptions { IsReadOnly: false } options)
            {
                options.TypeInfoResolver = new WithoutMarkerInterfaces(options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver());
            }

            return runtime;
        });
        return services;
    }

    // JSRuntime.JsonSerializerOptions is protected internal: the options every call of this runtime serializes with.
    private static PropertyInfo? OptionsOf(Type runtimeType) =>
        typeof(JSRuntime).IsAssignableFrom(runtimeType)
            ? typeof(JSRuntime).GetProperty("JsonSerializerOptions", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)
            : null;

    /// <summary>No metadata for the numeric, formatting, comparison and disposal interfaces; the inner resolver for the rest.</summary>
    internal sealed class WithoutMarkerInterfaces(IJsonTypeInfoResolver inner) : IJsonTypeInfoResolver
    {
        public JsonTypeInfo? GetTypeInfo(Type type, JsonSerializerOptions options) =>
            IsMarkerInterface(type) ? null : inner.GetTypeInfo(type, options);

        internal static bool IsMarkerInterface(Type type) =>
            type.IsInterface && (type.Namespace == "System.Numerics"
                || MarkerInterfaces.Contains(type.IsGenericType ? type.GetGenericTypeDefinition() : type));

        private static readonly HashSet<Type> MarkerInterfaces =
        [
            typeof(IComparable), typeof(IComparable<>), typeof(IEquatable<>), typeof(IConvertible), typeof(IFormattable),
            typeof(ISpanFormattable), typeof(IUtf8SpanFormattable), typeof(IParsable<>), typeof(ISpanParsable<>),
            typeof(IUtf8SpanParsable<>), typeof(IDisposable), typeof(IAsyncDisposable),
            typeof(System.Runtime.Serialization.ISerializable), typeof(System.Runtime.Serialization.IDeserializationCallback),
        ];
    }
}
