namespace LuffyBlazor.Features.Payments.WeChatSimulator;

/// <summary>
/// Section <c>WeChatPay:Simulator</c>: the offline WeChat Pay served under <c>/dev/wechatpay/</c> (Development only).
/// When it is on, the <c>WeChatPay:*</c> settings left empty are filled with its merchant and the keys it generates.
/// </summary>
public sealed class WeChatSimulatorOptions
{
    public const string Section = "WeChatPay:Simulator";

    public bool Enabled { get; set; }

    /// <summary>The simulated merchant (商户号) and its AppID, used when <c>WeChatPay:MchId</c> / <c>AppId</c> are empty.</summary>
    public string MchId { get; set; } = "1900000001";

    public string AppId { get; set; } = "wx0000000000000001";

    /// <summary>The merchant certificate serial the app sends, and the public key id the simulator signs under.</summary>
    public string MerchantSerialNo { get; set; } = "5A1B2C3D4E5F60718293A4B5C6D7E8F901234567";

    public string PublicKeyId { get; set; } = "PUB_KEY_ID_0119000000012026120300000000000001";

    /// <summary>
    /// 平台证书 mode: answers and notifies are signed with the simulator's platform certificate under its serial, and
    /// the app (unless <c>WeChatPay:PlatformCertificatePaths</c> is set) downloads it from <c>/v3/certificates</c>.
    /// Off: 公钥模式, signed under <see cref="PublicKeyId"/>.
    /// </summary>
    public bool CertificateMode { get; set; }

    /// <summary>Certificate mode during a rotation: both certificates are listed and the new one signs.</summary>
    public bool RotateCertificates { get; set; }

    /// <summary>The simulated buyer (one sandbox user).</summary>
    public string OpenId { get; set; } = "oSimulatorBuyer0000000000001";

    /// <summary>
    /// Multiplies WeChat's notify retry schedule (15s, 15s, 30s, 3m, 10m, 20m, 30m, 30m, 30m, 60m, 3h, 3h, 3h, 6h, 6h);
    /// 0.01 makes 15s 0.15s.
    /// </summary>
    public double NotifyRetryScale { get; set; } = 1.0;

    /// <summary>How long the notifier waits for the merchant's answer.</summary>
    public TimeSpan NotifyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The simulator's own SQLite file, relative to the content root (<c>LuffyBlazor/</c>); empty:
    /// <see cref="DefaultDatabaseFile"/> beside the app's SQLite database (in the content root when the app is on
    /// PostgreSQL), like the Alipay simulator's.
    /// </summary>
    public string? DatabasePath { get; set; }

    public const string DefaultDatabaseFile = "wechatpay-simulator.db";

    /// <summary>How far a request's Authorization timestamp may be from now (WeChat's own tolerance is 5 minutes).</summary>
    public TimeSpan TimestampTolerance { get; set; } = TimeSpan.FromMinutes(5);
}
