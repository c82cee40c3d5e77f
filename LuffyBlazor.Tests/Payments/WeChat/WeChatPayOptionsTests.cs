using System.Net;
using LuffyBlazor.Features.Payments.WeChat;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Tests.Payments.WeChat;

/// <summary>WeChat Pay's settings at start-up: off when unset, and when on every missing or unusable key named.</summary>
public sealed class WeChatPayOptionsTests
{
    private static IReadOnlyList<string> Failures(WeChatPayOptions options, string environment = "Production")
    {
        var validator = new WeChatPayOptionsValidator(new Microsoft.Extensions.Hosting.Internal.HostingEnvironment
        {
            EnvironmentName = environment, ContentRootPath = AppContext.BaseDirectory,
        });
        var result = validator.Validate(null, options);
        return result.Failed ? result.Failures!.ToList() : [];
    }

    [Fact]
    public void Unset_means_off_and_is_valid()
    {
        Assert.False(new WeChatPayOptions().IsEnabled);
        Assert.Empty(Failures(new WeChatPayOptions()));
    }

    [Fact]
    public void The_test_merchant_in_public_key_mode_passes()
    {
        Assert.Empty(Failures(WeChatPayTestKeys.Options()));
    }

    [Fact]
    public void Other_keys_without_the_merchant_id_are_refused_naming_them()
    {
        var failure = Assert.Single(Failures(new WeChatPayOptions { AppId = "wx1", ApiV3Key = "x" }));

        Assert.Equal("WeChatPay:MchId is required: WeChatPay:AppId, WeChatPay:ApiV3Key are set, but WeChat Pay stays off without the merchant id (商户号).", failure);
    }

    [Fact]
    public void With_the_merchant_id_every_missing_key_is_named_at_once()
    {
        var failures = Failures(new WeChatPayOptions { MchId = "1230000109" });

        Assert.Collection(failures,
            f => Assert.StartsWith("WeChatPay:AppId is required", f),
            f => Assert.StartsWith("WeChatPay:ApiV3Key must be the APIv3 key (APIv3密钥)", f),
            f => Assert.StartsWith("WeChatPay:MerchantSerialNo must be", f),
            f => Assert.StartsWith("WeChatPay:NotifyUrl must be set outside Development", f));
    }

    [Theory]
    [InlineData("http://luffy.example.com/api/v1/order/wechat/notify/", "must be an absolute https URL")]
    [InlineData("https://localhost/api/v1/order/wechat/notify/", "must be on a public host")]
    [InlineData("https://luffy.example.com/api/v1/order/wechat/notify/?x=1", "must not carry a query string")]
    public void Outside_development_the_notify_url_must_be_public_https_without_a_query(string url, string why)
    {
        var options = WeChatPayTestKeys.Options();
        options.NotifyUrl = url;

        Assert.Contains(why, Assert.Single(Failures(options)));
        Assert.Empty(Failures(options, "Development"));
    }

    [Fact]
    public void A_key_file_that_is_missing_or_of_the_wrong_kind_is_named()
    {
        var missing = WeChatPayTestKeys.Options();
        missing.MerchantPrivateKeyPath = "no-such-key.pem";
        var swapped = WeChatPayTestKeys.Options();
        swapped.PlatformPublicKeyPath = WeChatPayTestKeys.MerchantPrivateKeyPath;

        Assert.StartsWith("WeChatPay:MerchantPrivateKeyPath: the file", Assert.Single(Failures(missing)));
        Assert.StartsWith("WeChatPay:PlatformPublicKeyPath holds a private key", Assert.Single(Failures(swapped)));
    }

    [Fact]
    public void A_public_key_id_not_shaped_like_wechats_is_refused()
    {
        var options = WeChatPayTestKeys.Options();
        options.PlatformPublicKeyId = "5157F09EFDC096DE";

        Assert.StartsWith("WeChatPay:PlatformPublicKeyId must be WeChat Pay's public key id, PUB_KEY_ID_", Assert.Single(Failures(options)));
    }

    [Fact]
    public void A_start_with_a_broken_wechat_setting_is_refused_naming_the_key()
    {
        using var app = new LuffyAppFactory(new Dictionary<string, string?>(WeChatPayTestKeys.Settings()) { ["WeChatPay:ApiV3Key"] = "too-short" });

        var ex = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("WeChatPay:ApiV3Key", ex.ToString());
    }

    [Fact]
    public void Without_a_key_to_verify_with_the_start_is_refused_unless_certificates_are_downloaded()
    {
        var options = WeChatPayTestKeys.Options();
        options.PlatformPublicKeyId = null;
        options.PlatformPublicKeyPath = null;

        Assert.Contains("or WeChatPay:DownloadPlatformCertificates = true) are required", Assert.Single(Failures(options)));

        options.DownloadPlatformCertificates = true;
        Assert.Empty(Failures(options));
    }

    [Theory]
    [InlineData("00:05:00")]
    [InlineData("2.00:00:00")]
    public void A_certificate_refresh_interval_out_of_range_is_named(string interval)
    {
        var options = WeChatPayTestKeys.Options();
        options.DownloadPlatformCertificates = true;
        options.PlatformCertificateRefreshInterval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture);

        Assert.StartsWith("WeChatPay:PlatformCertificateRefreshInterval must be between 00:10:00 and 1.00:00:00", Assert.Single(Failures(options)));
    }

    [Fact]
    public void A_download_switch_that_is_not_true_or_false_stops_the_start_naming_the_key()
    {
        using var app = new LuffyAppFactory(new Dictionary<string, string?>(WeChatPayTestKeys.Settings()) { ["WeChatPay:DownloadPlatformCertificates"] = "yes" });

        var ex = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("WeChatPay:DownloadPlatformCertificates", ex.ToString());
    }

    [Fact]
    public async Task With_wechat_pay_off_pay_type_2_answers_400_with_a_clear_message()
    {
        using var app = new LuffyAppFactory();
        var (_, name) = await app.CreateLearnerAsync("wxoff");
        var client = app.CreateClient().WithBearer(await app.CreateClient().LoginForTokenAsync(name, AppScenarios.LearnerPassword));

        var (code, body) = await client.PostJsonAsync("/api/v1/order/pay/", new { total_amount = "0.01", pay_type = 2, courses = new[] { 1 } });

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Equal("微信支付暂未开通，请使用支付宝", body.GetProperty("msg").GetString());
    }
}
