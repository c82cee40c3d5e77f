using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Payments.Alipay;

/// <summary>
/// What a deployment that talks to the real Alipay (any environment but Development, simulator off) must have set,
/// beyond what <see cref="AlipayOptionsValidator"/> checks: the gateway, named explicitly (nothing defaults to the
/// sandbox, nor to production); notify and return URLs that Alipay and the buyer's browser can reach (absolute https on
/// a public host); a notify URL without a query string. Also, anywhere: a <c>Alipay:SellerId</c>, when set, shaped
/// like a PID. Every failure names its key; with the other validators' they stop start-up all at once.
/// </summary>
public sealed partial class AlipayLiveSettingsValidator(IHostEnvironment environment) : IValidateOptions<AlipayOptions>
{
    public ValidateOptionsResult Validate(string? name, AlipayOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.SellerId) && !Pid().IsMatch(options.SellerId))
        {
            failures.Add($"Alipay:SellerId must be your merchant PID, 16 digits starting with 2088 (开放平台 → 账号中心), not '{options.SellerId}'.");
        }

        if (IsLive(environment, options))
        {
            if (string.IsNullOrWhiteSpace(options.Gateway))
            {
                failures.Add($"Alipay:Gateway must be set outside Development: {AlipayOptions.ProductionGateway} (live) or {AlipayOptions.SandboxGateway} (sandbox); nothing is assumed.");
            }

            CheckCallbackUrl(options.NotifyUrl, "Alipay:NotifyUrl", "Alipay's servers post payment notifies to it", failures);
            CheckCallbackUrl(options.ReturnUrl, "Alipay:ReturnUrl", "the buyer's browser is sent back to it", failures);
            if (Uri.TryCreate(options.NotifyUrl, UriKind.Absolute, out var notify) && (notify.Query.Length > 0 || notify.Fragment.Length > 0))
            {
                failures.Add($"Alipay:NotifyUrl must not carry a query string or fragment ('{options.NotifyUrl}'): Alipay's notify_url takes none, and the notify brings all it needs in its form.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Payments go to the real Alipay (sandbox or live): outside Development, with the simulator off.</summary>
    private static bool IsLive(IHostEnvironment environment, AlipayOptions options) => !environment.IsDevelopment() && !options.Simulator.Enabled;

    private static void CheckCallbackUrl(string? value, string setting, string why, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"{setting} must be set outside Development, to an absolute https URL on your public host ({why}); it is not derived from the app's own address there.");
        }
        else if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            failures.Add($"{setting} must be an absolute https URL outside Development, not '{value}' ({why}).");
        }
        else if (!IsPublicHost(uri))
        {
            failures.Add($"{setting} must be on a public host, not '{uri.Host}', a loopback, private, link-local or local-only name ({why}).");
        }
    }

    /// <summary>False for loopback, private, link-local, unique-local and unspecified addresses, and for local-only names.</summary>
    public static bool IsPublicHost(Uri uri)
    {
        if (IPAddress.TryParse(uri.DnsSafeHost, out var address))
        {
            return IsPublicAddress(address);
        }

        var host = uri.DnsSafeHost.TrimEnd('.').ToLowerInvariant();
        return host.Contains('.')
               && host != "localhost" && !host.EndsWith(".localhost", StringComparison.Ordinal)
               && !host.EndsWith(".local", StringComparison.Ordinal) && !host.EndsWith(".internal", StringComparison.Ordinal);
    }

    private static bool IsPublicAddress(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6None) || address.Equals(IPAddress.IPv6Any))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal);
        }

        var b = address.GetAddressBytes();
        return !(b[0] == 10
                 || (b[0] == 172 && b[1] is >= 16 and <= 31)
                 || (b[0] == 192 && b[1] == 168)
                 || (b[0] == 169 && b[1] == 254)
                 || b[0] == 0);
    }

    [GeneratedRegex("^2088[0-9]{12}$")]
    private static partial Regex Pid();
}

/// <summary>Start-up warnings about Alipay settings that are allowed but leave a check undone.</summary>
public sealed class AlipayStartupWarnings(IOptions<AlipayOptions> options, IHostEnvironment environment, ILogger<AlipayStartupWarnings> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (environment.IsProduction() && string.IsNullOrWhiteSpace(options.Value.SellerId))
        {
            logger.LogWarning(
                "Alipay:SellerId is not set: notifies are not checked against your merchant account (seller_id). " +
                "Set it to your PID (2088 and 12 digits, 开放平台 → 账号中心) so that a notify for money paid to another merchant is refused.");
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
