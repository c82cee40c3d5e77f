using System.Reflection;
using LuffyBlazor.Tests.Infrastructure;

namespace LuffyBlazor.Tests;

/// <summary>
/// The parts depend on each other only the way a newcomer would guess: a payment provider speaks its protocol and knows
/// nothing of orders or the shop's database; Common knows no feature and no database; Storage knows
/// nothing of courses or orders (Courses hands it the media keys to migrate through an interface Storage owns).
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly Assembly App = typeof(Program).Assembly;

    /// <summary>The C# and Razor files under a folder of the app (generated migrations left out).</summary>
    private static IEnumerable<string> SourcesUnder(string folder) =>
        Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "LuffyBlazor", folder), "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}Migrations{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    /// <summary>Every type the app's types in <paramref name="ns"/> (and below) name in their fields, properties, constructors and methods.</summary>
    private static IEnumerable<(Type Owner, Type Used)> TypesUsedIn(string ns)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        // Async methods and lambdas keep their locals in compiler-generated nested types: those are looked at too.
        foreach (var owner in App.GetTypes().Where(t => t.Namespace is { } n && (n == ns || n.StartsWith(ns + ".", StringComparison.Ordinal))))
        {
            var used = owner.GetFields(all).Select(f => f.FieldType)
                .Concat(owner.GetProperties(all).Select(p => p.PropertyType))
                .Concat(owner.GetConstructors(all).SelectMany(c => c.GetParameters()).Select(p => p.ParameterType))
                .Concat(owner.GetMethods(all).SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType)))
                .Append(owner.BaseType)
                .Concat(owner.GetInterfaces());
            foreach (var type in used.OfType<Type>().SelectMany(Unwrap))
            {
                yield return (owner, type);
            }
        }
    }

    private static IEnumerable<Type> Unwrap(Type type) =>
        type.HasElementType ? Unwrap(type.GetElementType()!)
        : type.IsGenericType ? type.GetGenericArguments().SelectMany(Unwrap).Prepend(type)
        : [type];

    [Theory]
    [InlineData("LuffyBlazor.Features.Payments.Alipay")]
    [InlineData("LuffyBlazor.Features.Payments.Simulator")]
    [InlineData("LuffyBlazor.Features.Payments.WeChat")]
    [InlineData("LuffyBlazor.Features.Payments.WeChatSimulator")]
    public void A_payment_provider_uses_nothing_of_orders_or_the_shops_database(string provider)
    {
        var shop = TypesUsedIn(provider)
            .Where(u => u.Used.Namespace is { } n && (n.StartsWith("LuffyBlazor.Features.Orders", StringComparison.Ordinal)
                || n.StartsWith("LuffyBlazor.Data", StringComparison.Ordinal) || n.StartsWith("LuffyBlazor.Features.Admin", StringComparison.Ordinal)))
            .Select(u => $"{u.Owner.FullName} uses {u.Used.FullName}")
            .Distinct();

        Assert.Empty(shop);
    }

    [Fact]
    public void No_provider_file_names_orders_or_the_shops_database()
    {
        var offending = Directory.EnumerateDirectories(Path.Combine(RepositoryPaths.Root, "LuffyBlazor", "Features", "Payments"))
            .SelectMany(provider => SourcesUnder(Path.GetRelativePath(Path.Combine(RepositoryPaths.Root, "LuffyBlazor"), provider)))
            .Where(file => File.ReadAllText(file) is var text
                && (text.Contains("LuffyBlazor.Features.Orders", StringComparison.Ordinal) || text.Contains("LuffyBlazor.Data", StringComparison.Ordinal)
                    || text.Contains("LuffyDbContext", StringComparison.Ordinal)))
            .Select(file => Path.GetRelativePath(RepositoryPaths.Root, file));

        Assert.Empty(offending);
    }

    [Fact]
    public void Alipays_code_names_no_path_of_the_simulator()
    {
        var offending = SourcesUnder(Path.Combine("Features", "Payments", "Alipay"))
            .Where(file => File.ReadAllText(file).Contains("/dev/alipay", StringComparison.Ordinal))
            .Select(file => Path.GetRelativePath(RepositoryPaths.Root, file));

        Assert.Empty(offending);
    }

    [Fact]
    public void Common_depends_on_no_feature_and_no_database()
    {
        var byType = TypesUsedIn("LuffyBlazor.Common")
            .Where(u => u.Used.Namespace is { } n && (n.StartsWith("LuffyBlazor.Features", StringComparison.Ordinal) || n.StartsWith("LuffyBlazor.Data", StringComparison.Ordinal)))
            .Select(u => $"{u.Owner.FullName} uses {u.Used.FullName}");
        var byText = SourcesUnder("Common")
            .Where(file => File.ReadAllText(file) is var text
                && (text.Contains("LuffyBlazor.Features", StringComparison.Ordinal) || text.Contains("LuffyBlazor.Data", StringComparison.Ordinal)))
            .Select(file => Path.GetRelativePath(RepositoryPaths.Root, file));

        Assert.Empty(byType.Concat(byText).Distinct());
    }

    [Fact]
    public void Storage_knows_nothing_of_courses_or_orders()
    {
        // Its upload page sits in the admin back office (Admin's layout and guard): that is the only feature it names.
        static bool OtherFeature(string ns) =>
            ns.StartsWith("LuffyBlazor.Features.Courses", StringComparison.Ordinal) || ns.StartsWith("LuffyBlazor.Features.Orders", StringComparison.Ordinal);
        var byType = TypesUsedIn("LuffyBlazor.Features.Storage")
            .Where(u => u.Used.Namespace is { } n && OtherFeature(n))
            .Select(u => $"{u.Owner.FullName} uses {u.Used.FullName}");
        var byText = SourcesUnder(Path.Combine("Features", "Storage"))
            .Where(file => System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(file), @"LuffyBlazor\.Features\.\w+")
                .Any(m => OtherFeature(m.Value)))
            .Select(file => Path.GetRelativePath(RepositoryPaths.Root, file));

        Assert.Empty(byType.Concat(byText).Distinct());
    }
}
