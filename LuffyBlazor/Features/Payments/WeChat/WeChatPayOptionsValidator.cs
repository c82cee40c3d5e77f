using System.Text.RegularExpressions;
using LuffyBlazor.Features.Payments.Alipay;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Payments.WeChat;

/// <summary>
/// WeChat Pay's settings at start-up. Off (no <c>WeChatPay:MchId</c>) is valid, unless other WeChatPay keys are set
/// (a half-made configuration). On, every key it needs must be there and usable (the keys are loaded once here), and
/// outside Development, with the simulator off, the notify URL must be absolute https on a public host without a query.
/// Every failure names its key.
/// </summary>
public sealed partial class WeChatPayOptionsValidator(IHostEnvironment environment) : IValidateOptions<WeChatPayOptions>
{
    public ValidateOptionsResult Validate(string? name, WeChatPayOptions options)
    {
        var failures = new List<string>();
        if (options.Simulator.Enabled && environment.IsProduction())
        {
            failures.Add("WeChatPay:Simulator:Enabled must be false in Production: the simulator accepts payments nobody made.");
        }

        if (!options.IsEnabled)
        {
            var set = SetKeys(options).ToList();
            if (set.Count > 0)
            {
                failures.Add($"WeChatPay:MchId is required: {string.Join(", ", set)} {(set.Count == 1 ? "is" : "are")} set, but WeChat Pay stays off without the merchant id (商户号).");
            }

            return Result(failures);
        }

        if (!Digits().IsMatch(options.MchId!))
        {
            failures.Add($"WeChatPay:MchId must be the merchant id (商户号), digits only, not '{options.MchId}'.");
        }

        if (string.IsNullOrWhiteSpace(options.AppId))
        {
            failures.Add("WeChatPay:AppId is required: the AppID bound to the merchant account (公众号/小程序/移动应用, wx…).");
        }

        if (!WeChatPayAead.IsValidKey(options.ApiV3Key))
        {
            failures.Add("WeChatPay:ApiV3Key must be the APIv3 key (APIv3密钥) set in the merchant platform: exactly 32 characters; notifies cannot be decrypted without it.");
        }

        if (string.IsNullOrWhiteSpace(options.MerchantSerialNo) || !Hex().IsMatch(options.MerchantSerialNo))
        {
            failures.Add("WeChatPay:MerchantSerialNo must be the merchant API certificate's serial number (商户API证书序列号, hexadecimal).");
        }

        if (!string.IsNullOrWhiteSpace(options.PlatformPublicKeyId) && !WeChatPayOptions.IsPublicKeyId(options.PlatformPublicKeyId))
        {
            failures.Add($"WeChatPay:PlatformPublicKeyId must be WeChat Pay's public key id, PUB_KEY_ID_ followed by letters and digits, not '{options.PlatformPublicKeyId}'.");
        }

        if (options.Timeout < TimeSpan.FromSeconds(1) || options.Timeout > TimeSpan.FromMinutes(2))
        {
            failures.Add("WeChatPay:Timeout must be between 00:00:01 and 00:02:00.");
        }

        if (options.DownloadPlatformCertificates
            && (options.PlatformCertificateRefreshInterval < TimeSpan.FromMinutes(10) || options.PlatformCertificateRefreshInterval > TimeSpan.FromDays(1)))
        {
            failures.Add("WeChatPay:PlatformCertificateRefreshInterval must be between 00:10:00 and 1.00:00:00 (WeChat's SDKs refresh every 12 hours; a rotation gives merchants days to pick up the new certificate).");
        }

        if (!environment.IsDevelopment() && !options.Simulator.Enabled)
        {
            CheckNotifyUrl(options.NotifyUrl, failures);
        }

        if (failures.Count == 0)
        {
            try
            {
                using var _ = WeChatPayCredentials.Load(options, environment.ContentRootPath);
            }
            catch (WeChatPayKeyException ex)
            {
                failures.Add(ex.Message);
            }
        }

        return Result(failures);
    }

    private static void CheckNotifyUrl(string? value, List<string> failures)
    {
        const string why = "WeChat Pay's servers post payment and refund notifies to it";
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"WeChatPay:NotifyUrl must be set outside Development, to an absolute https URL on your public host ({why}).");
        }
        else if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            failures.Add($"WeChatPay:NotifyUrl must be an absolute https URL, not '{value}' ({why}).");
        }
        else if (!AlipayLiveSettingsValidator.IsPublicHost(uri))
        {
            failures.Add($"WeChatPay:NotifyUrl must be on a public host, not '{uri.Host}' ({why}).");
        }
        else if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            failures.Add($"WeChatPay:NotifyUrl must not carry a query string or fragment ('{value}'): WeChat Pay refuses such a notify_url.");
        }
    }

    private static IEnumerable<string> SetKeys(WeChatPayOptions o)
    {
        (string Key, bool IsSet)[] keys =
        [
            ("WeChatPay:AppId", !string.IsNullOrWhiteSpace(o.AppId)), ("WeChatPay:ApiV3Key", !string.IsNullOrWhiteSpace(o.ApiV3Key)),
            ("WeChatPay:MerchantSerialNo", !string.IsNullOrWhiteSpace(o.MerchantSerialNo)),
            ("WeChatPay:MerchantPrivateKeyPath", !string.IsNullOrWhiteSpace(o.MerchantPrivateKeyPath) || !string.IsNullOrWhiteSpace(o.MerchantPrivateKey)),
            ("WeChatPay:PlatformPublicKeyId", !string.IsNullOrWhiteSpace(o.PlatformPublicKeyId)),
            ("WeChatPay:DownloadPlatformCertificates", o.DownloadPlatformCertificates),
            ("WeChatPay:NotifyUrl", !string.IsNullOrWhiteSpace(o.NotifyUrl)),
        ];
        return keys.Where(k => k.IsSet).Select(k => k.Key);
    }

    private static ValidateOptionsResult Result(List<string> failures) =>
        failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

    [GeneratedRegex("^[0-9]{1,32}$")]
    private static partial Regex Digits();

    [GeneratedRegex("^[0-9A-Fa-f]{1,64}$")]
    private static partial Regex Hex();
}
