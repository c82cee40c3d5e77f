using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace LuffyBlazor.Common;

/// <summary>This app's own address, for the simulators' gateways that are served by the app itself.</summary>
public static class ServerAddress
{
    /// <summary>
    /// A configured address: empty gives <paramref name="fallback"/>; a path ("/dev/…") is served by this app itself
    /// and put on its own address. <paramref name="final"/> is false only while that address is not known yet (before
    /// the server starts), when <c>http://localhost</c> stands in and the caller should ask again later.
    /// </summary>
    public static string Resolve(string? configured, string fallback, IServer? server, out bool final)
    {
        final = true;
        if (string.IsNullOrWhiteSpace(configured))
        {
            return fallback;
        }

        if (configured is not ['/', not '/', ..])
        {
            return configured;
        }

        var own = Own(server);
        final = own is not null;
        return (own ?? "http://localhost") + configured;
    }

    /// <summary>The first listening address (http preferred) with a wildcard host made reachable as localhost; null before the server starts.</summary>
    public static string? Own(IServer? server)
    {
        var addresses = server?.Features.Get<IServerAddressesFeature>()?.Addresses;
        var address = addresses?.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal)) ?? addresses?.FirstOrDefault();
        if (address is null)
        {
            return null;
        }

        var uri = new Uri(address.Replace("://+", "://localhost").Replace("://*", "://localhost")
            .Replace("://0.0.0.0", "://localhost").Replace("://[::]", "://localhost"));
        return uri.GetLeftPart(UriPartial.Authority);
    }
}
