using System.Globalization;
using System.Security.Cryptography;
using LuffyBlazor.Features.Payments.Alipay;

namespace LuffyBlazor.Tests.Infrastructure;

/// <summary>Builds async notifies the way Alipay sends them: form fields signed RSA2 with "Alipay's" key.</summary>
public static class NotifyForms
{
    /// <summary>The merchant PID the notifies say they were paid to.</summary>
    public const string SellerId = "2088102177649450";

    public static Dictionary<string, string> Paid(string outTradeNo, decimal totalAmount, string tradeStatus = "TRADE_SUCCESS") => new()
    {
        ["gmt_create"] = "2026-11-25 10:00:00",
        ["charset"] = "utf-8",
        ["gmt_payment"] = "2026-11-25 10:00:05",
        ["notify_time"] = "2026-11-25 10:00:06",
        ["subject"] = "路飞学城-Python 全栈开发",
        ["buyer_id"] = "2088102177846" + Random.Shared.Next(100, 999),
        ["invoice_amount"] = totalAmount.ToString("0.00", CultureInfo.InvariantCulture),
        ["version"] = "1.0",
        ["notify_id"] = "2026112500222100006" + Random.Shared.Next(100000, 999999),
        ["fund_bill_list"] = "[{\"amount\":\"" + totalAmount.ToString("0.00", CultureInfo.InvariantCulture) + "\",\"fundChannel\":\"ALIPAYACCOUNT\"}]",
        ["notify_type"] = "trade_status_sync",
        ["out_trade_no"] = outTradeNo,
        ["total_amount"] = totalAmount.ToString("0.00", CultureInfo.InvariantCulture),
        ["trade_status"] = tradeStatus,
        ["trade_no"] = "2026112522001446" + Random.Shared.Next(10000000, 99999999),
        ["auth_app_id"] = AlipayTestKeys.AppId,
        ["receipt_amount"] = totalAmount.ToString("0.00", CultureInfo.InvariantCulture),
        ["point_amount"] = "0.00",
        ["app_id"] = AlipayTestKeys.AppId,
        ["buyer_pay_amount"] = totalAmount.ToString("0.00", CultureInfo.InvariantCulture),
        ["seller_id"] = SellerId,
    };

    /// <summary>Signs the fields as Alipay does (without sign and sign_type, empty values in) and adds sign and sign_type.</summary>
    public static Dictionary<string, string> Signed(this Dictionary<string, string> fields, RSA? key = null)
    {
        var content = AlipaySignature.BuildCallbackSignContent(fields, keepSignType: false);
        var signed = new Dictionary<string, string>(fields)
        {
            ["sign_type"] = "RSA2",
            ["sign"] = AlipaySignature.Sign(content, key ?? AlipayTestKeys.AlipayPrivateKey, AlipaySignType.RSA2),
        };
        return signed;
    }

    public static async Task<string> PostNotifyAsync(this HttpClient client, IDictionary<string, string> form)
    {
        using var response = await client.PostAsync("/api/v1/order/success/", new FormUrlEncodedContent(form));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }
}
