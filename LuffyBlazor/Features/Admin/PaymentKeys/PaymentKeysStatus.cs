using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Features.Payments.WeChat;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Admin.PaymentKeys;

/// <summary>How a certificate stands today: an operator renews one before Alipay or WeChat stops accepting it.</summary>
public enum CertificateStanding
{
    InForce,
    ExpiresSoon,
    Expired,
    NotYetValid,
}

/// <summary>One certificate or key the shop signs or verifies with, as the operator reads it.</summary>
public sealed record KeyRow(string Role, string Serial, DateTimeOffset? NotBefore, DateTimeOffset? NotAfter, bool Current)
{
    /// <summary>Renewal is due when fewer days than this are left (Alipay and WeChat mail merchants about a month ahead).</summary>
    public const int RenewWithinDays = 30;

    public CertificateStanding Standing(DateTimeOffset now) => this switch
    {
        { NotBefore: { } from } when now < from => CertificateStanding.NotYetValid,
        { NotAfter: { } to } when now >= to => CertificateStanding.Expired,
        { NotAfter: { } to } when to - now < TimeSpan.FromDays(RenewWithinDays) => CertificateStanding.ExpiresSoon,
        _ => CertificateStanding.InForce,
    };
}

public sealed record AlipayKeysView(
    string Mode, string AppId, string Gateway, bool Simulated, string? SellerId, string? AlipayRootCertSn, IReadOnlyList<KeyRow> Rows);

public sealed record WeChatKeysView(
    string MchId, string? AppId, string Verification, bool Downloads, IReadOnlyList<KeyRow> Rows,
    int DownloadCount, WeChatPayCertificateDownload? LastDownload, TimeSpan RefreshInterval);

/// <summary>
/// What the operator's 支付密钥与证书 page shows: each provider's mode and every certificate with its serial and
/// expiry, read from what the app loaded at start-up (and, for WeChat's downloaded platform certificates, from the
/// last download). Never a key's bytes.
/// </summary>
public sealed class PaymentKeysStatus(
    IServiceProvider services, IOptions<AlipayOptions> alipayOptions, IOptions<WeChatPayOptions> weChatOptions)
{
    public AlipayKeysView Alipay()
    {
        var options = alipayOptions.Value;
        var certificates = services.GetRequiredService<AlipayCredentials>().Certificates;
        var gateway = services.GetRequiredService<AlipayGateway>().Url;
        var rows = new List<KeyRow>();
        if (certificates is not null)
        {
            rows.Add(new KeyRow("应用公钥证书 app_cert_sn", certificates.AppCertSn, null, Utc(certificates.AppCertNotAfter), Current: true));
            rows.AddRange(certificates.AlipayPublicCertificates.Select((c, i) =>
                new KeyRow("支付宝公钥证书 alipay_cert_sn", c.Sn, null, Utc(c.NotAfter), Current: i == 0)));
        }

        return new AlipayKeysView(
            certificates is null ? "公钥模式" : "公钥证书模式", options.AppId, gateway, AlipayOptions.IsOwnPath(options.Gateway),
            string.IsNullOrWhiteSpace(options.SellerId) ? null : options.SellerId, certificates?.AlipayRootCertSn, rows);
    }

    /// <summary>Null when WeChat Pay is not configured (<c>WeChatPay:MchId</c> empty).</summary>
    public WeChatKeysView? WeChat()
    {
        var options = weChatOptions.Value;
        if (!options.IsEnabled)
        {
            return null;
        }

        var configured = services.GetRequiredService<WeChatPayCredentials>();
        var rows = configured.PlatformKeys.Keys.Select(serial => new KeyRow(
            WeChatPayOptions.IsPublicKeyId(serial) ? "微信支付公钥（配置）" : "平台证书（配置文件）", serial, null, null, Current: true)).ToList();
        var downloads = options.DownloadPlatformCertificates ? services.GetRequiredService<WeChatPayPlatformCertificates>() : null;
        if (downloads is not null)
        {
            rows.AddRange(downloads.Held.OrderByDescending(c => c.EffectiveTime)
                .Select((c, i) => new KeyRow("平台证书（自动下载）", c.Serial, c.EffectiveTime, c.ExpireTime, Current: i == 0)));
        }

        var verification = (configured.PlatformKeys.Count > 0, downloads is not null) switch
        {
            (true, true) => "配置的公钥/证书 + 自动下载的平台证书",
            (false, true) => "自动下载的平台证书",
            _ => rows.Any(r => WeChatPayOptions.IsPublicKeyId(r.Serial)) ? "微信支付公钥" : "配置的平台证书",
        };
        return new WeChatKeysView(options.MchId!, options.AppId, verification, downloads is not null, rows,
            downloads?.Downloads ?? 0, downloads?.LastDownload, options.PlatformCertificateRefreshInterval);
    }

    /// <summary>Downloads WeChat's platform certificates now. False when it failed (the reason is in <see cref="WeChat"/>).</summary>
    public Task<bool> RefreshWeChatAsync(CancellationToken ct) =>
        services.GetRequiredService<WeChatPayPlatformCertificates>().RefreshAsync(ct);

    private static DateTimeOffset Utc(DateTime utc) => new(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
}
