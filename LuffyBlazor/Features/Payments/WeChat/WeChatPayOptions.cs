using System.Text.RegularExpressions;

namespace LuffyBlazor.Features.Payments.WeChat;

/// <summary>
/// Section <c>WeChatPay</c>. WeChat Pay (pay_type 2) is on when <see cref="MchId"/> is set, off otherwise. Secrets (the
/// APIv3 key, the merchant private key) come from files or the environment, never git.
/// </summary>
public sealed partial class WeChatPayOptions
{
    public const string Section = "WeChatPay";
    public const string ProductionBaseUrl = "https://api.mch.weixin.qq.com";

    /// <summary>商户号: the merchant account. Empty: WeChat Pay is off.</summary>
    public string? MchId { get; set; }

    /// <summary>The AppID bound to the merchant account (公众号, 小程序 or 移动应用).</summary>
    public string? AppId { get; set; }

    /// <summary>APIv3 密钥: 32 characters, set in the merchant platform; decrypts notifies.</summary>
    public string? ApiV3Key { get; set; }

    /// <summary>The merchant API certificate's serial number (商户API证书序列号), sent with every signed request.</summary>
    public string? MerchantSerialNo { get; set; }

    /// <summary>The merchant API private key (<c>apiclient_key.pem</c>), inline PEM.</summary>
    public string? MerchantPrivateKey { get; set; }

    /// <summary>The same from a file, relative to the content root (<c>LuffyBlazor/</c>).</summary>
    public string? MerchantPrivateKeyPath { get; set; }

    /// <summary>微信支付公钥ID (<c>PUB_KEY_ID_…</c>): public-key mode, what WeChat names in <c>Wechatpay-Serial</c>.</summary>
    public string? PlatformPublicKeyId { get; set; }

    /// <summary>微信支付公钥 (<c>pub_key.pem</c>), inline PEM.</summary>
    public string? PlatformPublicKey { get; set; }

    /// <summary>The same from a file, relative to the content root.</summary>
    public string? PlatformPublicKeyPath { get; set; }

    /// <summary>
    /// Platform certificates (平台证书, PEM files), the older mode: each verifies the answers that name its serial. Two
    /// during a rotation (the old and the new one); may be combined with the public key while migrating.
    /// </summary>
    public List<string> PlatformCertificatePaths { get; set; } = [];

    /// <summary>
    /// 平台证书 mode without hand-copied files: download WeChat's platform certificates from <c>GET /v3/certificates</c>
    /// (decrypted with the APIv3 key), refresh them every <see cref="PlatformCertificateRefreshInterval"/> and at once
    /// (at most once a minute) when an answer or notify names a serial we do not hold. Off: only the configured
    /// public key and certificate files verify.
    /// </summary>
    public bool DownloadPlatformCertificates { get; set; }

    /// <summary>How often downloaded platform certificates are fetched again (WeChat's SDKs: every 12 hours).</summary>
    public TimeSpan PlatformCertificateRefreshInterval { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Absolute https URL of the notify endpoint; empty: derived from the app's own address (Development only).</summary>
    public string? NotifyUrl { get; set; }

    /// <summary>The API's address: empty for WeChat's own; a path ("/dev/wechatpay") for this app's simulator.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>Per attempt of an API call.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest one API call can take, retries included.</summary>
    public TimeSpan CallTimeout => Timeout * 4;

    public SimulatorSwitch Simulator { get; set; } = new();

    public bool IsEnabled => !string.IsNullOrWhiteSpace(MchId);

    public sealed class SimulatorSwitch
    {
        /// <summary>Serve the offline WeChat Pay simulator and configure this section for it (Development only).</summary>
        public bool Enabled { get; set; }
    }

    public static bool IsPublicKeyId(string? id) => id is not null && PublicKeyId().IsMatch(id);

    [GeneratedRegex("^PUB_KEY_ID_[0-9A-Za-z]{1,64}$")]
    private static partial Regex PublicKeyId();
}
