using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Payments.Alipay;

/// <summary>Section <c>Alipay</c> (keys as in the contract). Secrets come from files or the environment, never git.</summary>
public sealed class AlipayOptions
{
    public const string Section = "Alipay";
    public const string SandboxGateway = "https://openapi-sandbox.dl.alipaydev.com/gateway.do";
    public const string ProductionGateway = "https://openapi.alipay.com/gateway.do";

    public string AppId { get; set; } = "";

    /// <summary>
    /// The merchant's Alipay account (PID, 2088 and 12 digits, shown in the open platform): when set, a notify whose
    /// <c>seller_id</c> differs is refused. Empty: not checked (Production warns at start-up).
    /// </summary>
    public string? SellerId { get; set; }

    /// <summary>The application private key (应用私钥), inline: PEM PKCS#8/PKCS#1 or one-line base64.</summary>
    public string? AppPrivateKey { get; set; }

    /// <summary>The same from a file, relative to the content root (<c>LuffyBlazor/</c>).</summary>
    public string? AppPrivateKeyPath { get; set; }

    /// <summary>Alipay's public key (支付宝公钥), not the application's own public key.</summary>
    public string? AlipayPublicKey { get; set; }

    public string? AlipayPublicKeyPath { get; set; }

    /// <summary>Certificate mode (公钥证书): the application's certificate (应用公钥证书), inline PEM.</summary>
    public string? AppCert { get; set; }

    public string? AppCertPath { get; set; }

    /// <summary>Alipay's certificate (支付宝公钥证书); several while Alipay rotates it (files separated by <c>;</c>).</summary>
    public string? AlipayPublicCert { get; set; }

    public string? AlipayPublicCertPath { get; set; }

    /// <summary>Alipay's root certificate bundle (支付宝根证书).</summary>
    public string? AlipayRootCert { get; set; }

    public string? AlipayRootCertPath { get; set; }

    /// <summary><c>RSA2</c>; <c>RSA</c> (SHA1) only for old accounts that still sign that way.</summary>
    public string SignType { get; set; } = "RSA2";

    /// <summary>
    /// An absolute URL, or a path on this app's own address (what the simulator sets when it is on and this is
    /// empty); empty: Alipay's sandbox.
    /// </summary>
    public string? Gateway { get; set; }

    /// <summary>Absolute URL of the async notify endpoint; empty: derived from the app's own address.</summary>
    public string? NotifyUrl { get; set; }

    /// <summary>Absolute URL of the return page; empty: derived from the app's own address.</summary>
    public string? ReturnUrl { get; set; }

    /// <summary>Per attempt of an OpenAPI call.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The longest one OpenAPI call can take, retries and back-off included: the resilience pipeline's overall
    /// timeout. Work that must finish its Alipay calls within a lease (the timeout sweeper's claim) is sized from it.
    /// </summary>
    public TimeSpan CallTimeout => Timeout * 4;

    public SimulatorSwitch Simulator { get; set; } = new();

    public AlipaySignType ParsedSignType => AlipaySignature.TryParseSignType(SignType, out var type) ? type : AlipaySignType.RSA2;

    /// <summary>A gateway given as a path ("/…") is served by this app itself: only the simulator's is.</summary>
    public static bool IsOwnPath(string? gateway) => gateway is ['/', not '/', ..];

    public sealed class SimulatorSwitch
    {
        /// <summary>Serve the offline Alipay simulator (<c>Features/Payments/Simulator</c>; Development only).</summary>
        public bool Enabled { get; set; }
    }
}

/// <summary>
/// The two keys the app works with, imported once at start-up and shared by every request (signing and verifying
/// never change an imported key, so concurrent use is safe).
/// </summary>
public sealed class AlipayCredentials : IDisposable
{
    private AlipayCredentials(RSA appPrivateKey, RSA alipayPublicKey, AlipaySignType signType, AlipayCertificateMode? certificates = null)
    {
        AppPrivateKey = appPrivateKey;
        AlipayPublicKey = alipayPublicKey;
        SignType = signType;
        Certificates = certificates;
    }

    public RSA AppPrivateKey { get; }

    /// <summary>Alipay's public key; in certificate mode, that of its current certificate.</summary>
    public RSA AlipayPublicKey { get; }

    public AlipaySignType SignType { get; }

    /// <summary>Certificate mode's SNs and Alipay's certificates; null in public-key mode.</summary>
    public AlipayCertificateMode? Certificates { get; }

    /// <summary>Every key Alipay may sign with: its public key, or each configured Alipay certificate's.</summary>
    public IEnumerable<RSA> AlipayPublicKeys => Certificates?.AlipayPublicCertificates.Select(c => c.PublicKey) ?? [AlipayPublicKey];

    /// <param name="clock">Certificate validity is checked against it (the system clock when none is given).</param>
    public static AlipayCredentials Load(AlipayOptions options, string contentRoot, TimeProvider? clock = null)
    {
        var privateKey = AlipayKeys.ImportPrivateKey(
            ReadKey(options.AppPrivateKey, options.AppPrivateKeyPath, "Alipay:AppPrivateKey", contentRoot), KeySetting(options.AppPrivateKeyPath, "Alipay:AppPrivateKey"));
        if (AlipayCertificateMode.IsConfigured(options))
        {
            try
            {
                var certificates = AlipayCertificateMode.Load(options, contentRoot, privateKey, (clock ?? TimeProvider.System).GetUtcNow());
                return new AlipayCredentials(privateKey, certificates.AlipayPublicCertificates[0].PublicKey, options.ParsedSignType, certificates);
            }
            catch
            {
                privateKey.Dispose();
                throw;
            }
        }

        RSA publicKey;
        try
        {
            publicKey = AlipayKeys.ImportPublicKey(
                ReadKey(options.AlipayPublicKey, options.AlipayPublicKeyPath, "Alipay:AlipayPublicKey", contentRoot), KeySetting(options.AlipayPublicKeyPath, "Alipay:AlipayPublicKey"));
        }
        catch
        {
            privateKey.Dispose();
            throw;
        }

        if (AlipayKeys.ArePair(privateKey, publicKey))
        {
            privateKey.Dispose();
            publicKey.Dispose();
            throw new AlipayKeyException(
                "Alipay:AlipayPublicKey is the public half of your own application private key (应用公钥). It must be Alipay's public key (支付宝公钥), shown in the open platform after you upload the application public key.");
        }

        return new AlipayCredentials(privateKey, publicKey, options.ParsedSignType);
    }

    public void Dispose()
    {
        AppPrivateKey.Dispose();
        if (Certificates is null)
        {
            AlipayPublicKey.Dispose();
        }

        Certificates?.Dispose();
    }

    private static string KeySetting(string? path, string inlineSetting) => string.IsNullOrWhiteSpace(path) ? inlineSetting : inlineSetting + "Path";

    internal static string ReadKey(string? inline, string? path, string setting, string contentRoot)
    {
        var hasInline = !string.IsNullOrWhiteSpace(inline);
        var hasPath = !string.IsNullOrWhiteSpace(path);
        if (hasInline && hasPath)
        {
            throw new AlipayKeyException($"Set either {setting} or {setting}Path, not both.");
        }

        if (hasInline)
        {
            return inline!;
        }

        if (!hasPath)
        {
            throw new AlipayKeyException($"{setting} or {setting}Path is required.");
        }

        var full = Path.GetFullPath(Path.Combine(contentRoot, path!));
        if (!File.Exists(full))
        {
            throw new AlipayKeyException($"{setting}Path: the file '{full}' does not exist.");
        }

        return File.ReadAllText(full);
    }
}

/// <summary>Start-up checks of <see cref="AlipayOptions"/>: every message names the setting.</summary>
public sealed class AlipayOptionsValidator(IHostEnvironment environment, TimeProvider? clock = null) : IValidateOptions<AlipayOptions>
{
    public ValidateOptionsResult Validate(string? name, AlipayOptions options)
    {
        var failures = new List<string>();
        var missing = MissingSettings(options);
        if (missing.Count > 0)
        {
            // With the simulator on, the simulator fills these in; if they are still missing, it is not "off".
            failures.Add($"Alipay settings missing: {string.Join(", ", missing)}." + (options.Simulator.Enabled
                ? ""
                : " They are required when the simulator is off (Alipay:Simulator:Enabled=false)."));
        }

        if (!AlipaySignature.TryParseSignType(options.SignType, out _))
        {
            failures.Add($"Alipay:SignType must be RSA2 (or RSA for legacy accounts), not '{options.SignType}'.");
        }

        if (!(options.Simulator.Enabled && AlipayOptions.IsOwnPath(options.Gateway)))
        {
            CheckUrl(options.Gateway, "Alipay:Gateway", failures);
        }
        CheckUrl(options.NotifyUrl, "Alipay:NotifyUrl", failures);
        CheckUrl(options.ReturnUrl, "Alipay:ReturnUrl", failures);
        if (options.Timeout < TimeSpan.FromSeconds(1) || options.Timeout > TimeSpan.FromMinutes(2))
        {
            failures.Add("Alipay:Timeout must be between 00:00:01 and 00:02:00.");
        }

        if (options.Simulator.Enabled && environment.IsProduction())
        {
            failures.Add("Alipay:Simulator:Enabled must be false in Production: the simulator accepts payments nobody made.");
        }

        if (missing.Count == 0)
        {
            try
            {
                AlipayCredentials.Load(options, environment.ContentRootPath, clock).Dispose();
            }
            catch (AlipayKeyException ex)
            {
                failures.Add(ex.Message);
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Every required setting that is empty, named, so that one start-up tells all that is left to set.</summary>
    private static List<string> MissingSettings(AlipayOptions options)
    {
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(options.AppId))
        {
            missing.Add("Alipay:AppId");
        }

        if (string.IsNullOrWhiteSpace(options.AppPrivateKey) && string.IsNullOrWhiteSpace(options.AppPrivateKeyPath))
        {
            missing.Add("Alipay:AppPrivateKey (or Alipay:AppPrivateKeyPath)");
        }

        if (AlipayCertificateMode.IsConfigured(options))
        {
            missing.AddRange(AlipayCertificateMode.MissingSettings(options));
        }
        else if (string.IsNullOrWhiteSpace(options.AlipayPublicKey) && string.IsNullOrWhiteSpace(options.AlipayPublicKeyPath))
        {
            missing.Add("Alipay:AlipayPublicKey (or Alipay:AlipayPublicKeyPath)");
        }

        return missing;
    }

    private static void CheckUrl(string? value, string setting, List<string> failures)
    {
        if (!string.IsNullOrWhiteSpace(value)
            && !(Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)))
        {
            failures.Add($"{setting} must be an absolute http(s) URL, not '{value}'.");
        }
    }
}
