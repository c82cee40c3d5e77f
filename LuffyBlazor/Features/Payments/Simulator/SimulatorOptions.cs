namespace LuffyBlazor.Features.Payments.Simulator;

/// <summary>Section <c>Alipay:Simulator</c>: the offline Alipay served under <c>/dev/alipay/</c> (Development only).</summary>
public sealed class SimulatorOptions
{
    public const string Section = "Alipay:Simulator";

    public bool Enabled { get; set; }

    /// <summary>The application public key the simulator verifies requests with; empty: <c>keys/app_public_key.pem</c>.</summary>
    public string? AppPublicKeyPath { get; set; }

    /// <summary>"Alipay's" private key that signs notifies, returns and answers; empty: <c>keys/alipay_private_key.pem</c>.</summary>
    public string? AlipayPrivateKeyPath { get; set; }

    /// <summary>
    /// Play Alipay in certificate mode (公钥证书): issue a root CA, Alipay's and the application's certificates into
    /// <c>keys/</c> on first run, point the app's <c>Alipay:*Cert*</c> settings at them (unless set) and require
    /// <c>app_cert_sn</c> and <c>alipay_root_cert_sn</c> on every request.
    /// </summary>
    public bool CertificateMode { get; set; }

    /// <summary>The merchant's partner id (<c>seller_id</c>), shaped like Alipay's 2088… ids.</summary>
    public string SellerId { get; set; } = "2088000000000001";

    /// <summary>The simulated buyer's user id and account (one sandbox buyer, as in Alipay's sandbox).</summary>
    public string BuyerId { get; set; } = "2088102146225135";

    public string BuyerLogonId { get; set; } = "lea***@sandbox.com";

    /// <summary>Multiplies Alipay's notify retry schedule (4m, 10m, 10m, 1h, 2h, 6h, 15h); 0.01 makes 4m 2.4s.</summary>
    public double NotifyRetryScale { get; set; } = 1.0;

    /// <summary>How far a request's <c>timestamp</c> may be from now.</summary>
    public TimeSpan TimestampTolerance { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Deliver queued notifies from this instance (turn off where another instance delivers them).</summary>
    public bool RunNotifier { get; set; } = true;

    /// <summary>How long the notifier waits for the merchant's answer.</summary>
    public TimeSpan NotifyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The simulator's own SQLite file, relative to the content root (<c>LuffyBlazor/</c>); empty:
    /// <see cref="DefaultDatabaseFile"/> beside the app's SQLite database (in the content root when the app is on
    /// PostgreSQL). Instances that share this file share the simulated Alipay.
    /// </summary>
    public string? DatabasePath { get; set; }

    public const string DefaultDatabaseFile = "alipay-simulator.db";
}
