using Bunit;
using LuffyBlazor.Components.Localization;
using LuffyBlazor.Features.Admin.PaymentKeys;
using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Features.Payments.WeChat;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LuffyBlazor.Tests.Admin;

/// <summary>
/// The operator's 支付密钥与证书 page: each provider's mode, every certificate's serial and expiry with a warning a
/// month ahead, the missing seller_id, and WeChat's downloaded platform certificates with a download on demand that
/// shows why it failed and keeps what it held.
/// </summary>
public sealed class PaymentKeysPageTests : BunitTestContext
{
    private static readonly TestCertificateChain Chain = TestCertificateChain.Shared;
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private static readonly TestPlatformCertificate Platform = TestPlatformCertificate.Issue(Now.AddDays(-1), Now.AddYears(5));

    private readonly FakeTimeProvider clock = new(Now);

    public PaymentKeysPageTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServicesInChinese();
        Services.AddSingleton<TimeProvider>(clock);
        Services.AddLogging();
        Services.AddScoped<PaymentKeysStatus>();
    }

    private void UseAlipay(AlipayOptions options, AlipayCredentials credentials)
    {
        Services.AddSingleton(Options.Create(options));
        Services.AddSingleton(credentials);
        Services.AddSingleton(new AlipayGateway(Options.Create(options)));
    }

    private static AlipayOptions PublicKeyMode(string? sellerId) => new()
    {
        AppId = AlipayTestKeys.AppId, AppPrivateKeyPath = AlipayTestKeys.AppPrivateKeyPath,
        AlipayPublicKeyPath = AlipayTestKeys.AlipayPublicKeyPath, SellerId = sellerId,
    };

    private void WeChatOff() => Services.AddSingleton(Options.Create(new WeChatPayOptions()));

    [Fact]
    public void Public_key_mode_names_the_sandbox_gateway_and_warns_that_seller_id_is_not_checked()
    {
        var options = PublicKeyMode(sellerId: null);
        UseAlipay(options, AlipayCredentials.Load(options, AppContext.BaseDirectory));
        WeChatOff();

        var page = Render<PaymentKeysPage>();

        Assert.Equal("公钥模式（RSA2）", page.Find("#alipay-mode").TextContent.Trim());
        Assert.Equal(AlipayOptions.SandboxGateway, page.Find("#alipay-gateway").TextContent.Trim());
        Assert.Contains("未配置 Alipay:SellerId", page.Find("#alipay-seller").TextContent);
        Assert.NotNull(page.Find("#alipay-public-key-mode"));
        Assert.Empty(page.FindAll("#alipay-certificates"));
        Assert.Contains("未启用", page.Find("#wechat-off").TextContent);
    }

    [Fact]
    public void Certificate_mode_lists_every_sn_with_its_expiry_and_warns_a_month_before_the_app_certificate_expires()
    {
        var options = Chain.Options(Chain.AlipayPublicCertPath + ";" + Chain.NextAlipayPublicCertPath);
        options.SellerId = "2088000000000001";
        var credentials = AlipayCredentials.Load(options, AppContext.BaseDirectory);
        UseAlipay(options, credentials);
        WeChatOff();
        var certificates = credentials.Certificates!;

        var page = Render<PaymentKeysPage>();

        Assert.Equal("公钥证书模式（RSA2）", page.Find("#alipay-mode").TextContent.Trim());
        Assert.Equal("2088000000000001", page.Find("#alipay-seller").TextContent.Trim());
        Assert.Contains(certificates.AlipayRootCertSn, page.Find("#alipay-keys").TextContent);
        var rows = page.FindAll("#alipay-certificates .payment-key-row");
        Assert.Equal(3, rows.Count);
        Assert.Contains(certificates.AppCertSn, rows[0].TextContent);
        Assert.Contains(certificates.AlipayPublicCertificates[0].Sn, rows[1].TextContent);
        Assert.Contains("（当前）", rows[1].TextContent);
        Assert.Contains(certificates.AlipayPublicCertificates[1].Sn, rows[2].TextContent);
        Assert.All(page.FindAll("#alipay-certificates .payment-key-standing"), chip => Assert.Equal("有效", chip.TextContent.Trim()));

        clock.SetUtcNow(new DateTimeOffset(certificates.AppCertNotAfter, TimeSpan.Zero).AddDays(-20));
        page = Render<PaymentKeysPage>();

        Assert.Equal("即将到期（剩 20 天）", page.FindAll("#alipay-certificates .payment-key-standing")[0].TextContent.Trim());
    }

    [Fact]
    public void A_download_on_demand_lists_the_platform_certificate_and_a_refused_one_says_why_and_keeps_it()
    {
        var options = PublicKeyMode("2088000000000001");
        UseAlipay(options, AlipayCredentials.Load(options, AppContext.BaseDirectory));
        var weChat = new WeChatPayOptions
        {
            MchId = WeChatPayTestKeys.MchId, AppId = WeChatPayTestKeys.AppId, ApiV3Key = WeChatPayTestKeys.ApiV3Key, DownloadPlatformCertificates = true,
        };
        var credentials = new WeChatPayCredentials(WeChatPayTestKeys.MerchantPrivateKey, new Dictionary<string, System.Security.Cryptography.RSA>());
        var answer = WeChatPayCertificateListings.Answer(Now, Platform, [Platform]);
        Services.AddSingleton(Options.Create(weChat));
        Services.AddSingleton(credentials);
        Services.AddSingleton(new WeChatPayPlatformCertificates(_ => Task.FromResult(answer), credentials, Options.Create(weChat), clock,
            NullLogger<WeChatPayPlatformCertificates>.Instance));

        var page = Render<PaymentKeysPage>();
        Assert.Equal("自动下载的平台证书", page.Find("#wechat-verification").TextContent.Trim());
        Assert.Contains("尚未下载", page.Find("#wechat-last-download").TextContent);
        Assert.Empty(page.FindAll("#wechat-certificates .payment-key-row"));

        page.Find("#wechat-refresh").Click();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll(".wechat-download-ok")), TimeSpan.FromSeconds(10));
        Assert.Contains(Platform.Serial, page.Find("#wechat-certificates .payment-key-row").TextContent);
        Assert.Contains("已下载 1 次", page.Find("#wechat-last-download").TextContent);

        answer = answer with { Status = 500, Body = """{"code":"SYSTEM_ERROR","message":"系统繁忙"}""" };
        page.Find("#wechat-refresh").Click();

        page.WaitForAssertion(() => Assert.Contains("HTTP 500", page.Find(".wechat-download-failed").TextContent), TimeSpan.FromSeconds(10));
        Assert.Contains(Platform.Serial, page.Find("#wechat-certificates .payment-key-row").TextContent);
    }

    [Theory]
    [InlineData(-1, CertificateStanding.NotYetValid)]
    [InlineData(0, CertificateStanding.InForce)]
    [InlineData(400 - 31, CertificateStanding.InForce)]
    [InlineData(400 - 29, CertificateStanding.ExpiresSoon)]
    [InlineData(400, CertificateStanding.Expired)]
    public void A_certificate_stands_by_its_validity_and_is_due_for_renewal_thirty_days_ahead(int daysAfterIssue, CertificateStanding expected)
    {
        var issued = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var row = new KeyRow("平台证书", "5157F09EFDC096DE15EBE81A47057A72", issued, issued.AddDays(400), Current: true);

        Assert.Equal(expected, row.Standing(issued.AddDays(daysAfterIssue)));
    }
}
