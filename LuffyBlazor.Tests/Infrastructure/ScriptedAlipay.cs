using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace LuffyBlazor.Tests.Infrastructure;

/// <summary>
/// A local gateway whose trades a test scripts by <c>out_trade_no</c>: it answers <c>alipay.trade.query</c> and
/// <c>alipay.trade.close</c> the way Alipay does, signed with the test "Alipay" key, and records every call.
/// A trade nobody scripted does not exist (<c>ACQ.TRADE_NOT_EXIST</c>).
/// </summary>
public sealed class ScriptedAlipay : IAsyncDisposable
{
    /// <summary>A trade status, or <see cref="Unreachable"/> to answer HTTP 500.</summary>
    public const string Unreachable = "UNREACHABLE";

    private FakeAlipayGateway gateway = null!;

    public ConcurrentDictionary<string, (string Status, decimal Amount)> Trades { get; } = new();

    public ConcurrentQueue<(string Method, string OutTradeNo)> Calls { get; } = new();

    public string Url => gateway.Url;

    public static async Task<ScriptedAlipay> StartAsync()
    {
        var scripted = new ScriptedAlipay();
        scripted.gateway = await FakeAlipayGateway.StartAsync((_, context) => scripted.AnswerAsync(context));
        return scripted;
    }

    public int CallsFor(string outTradeNo, string method) => Calls.Count(c => c.OutTradeNo == outTradeNo && c.Method == method);

    private async Task AnswerAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        var method = form["method"].ToString();
        var outTradeNo = JsonDocument.Parse(form["biz_content"].ToString()).RootElement.GetProperty("out_trade_no").GetString()!;
        Calls.Enqueue((method, outTradeNo));
        if (!Trades.TryGetValue(outTradeNo, out var trade))
        {
            await FakeAlipayGateway.SignedAsync(context, method, Error("ACQ.TRADE_NOT_EXIST", "交易不存在", outTradeNo));
            return;
        }

        if (trade.Status == Unreachable)
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }

        var node = method switch
        {
            "alipay.trade.query" => JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["code"] = "10000", ["msg"] = "Success", ["out_trade_no"] = outTradeNo, ["trade_no"] = "2026112522001" + outTradeNo[^15..],
                ["trade_status"] = trade.Status, ["total_amount"] = trade.Amount.ToString("0.00", CultureInfo.InvariantCulture),
                ["send_pay_date"] = "2026-11-25 16:31:10", ["buyer_user_id"] = "2088102177846875",
            }),
            "alipay.trade.close" when trade.Status == "WAIT_BUYER_PAY" => Close(outTradeNo, trade.Amount),
            "alipay.trade.close" => Error("ACQ.TRADE_STATUS_ERROR", "交易状态不合法", outTradeNo),
            _ => Error("ACQ.SYSTEM_ERROR", $"unscripted method {method}", outTradeNo),
        };
        await FakeAlipayGateway.SignedAsync(context, method, node);
    }

    private string Close(string outTradeNo, decimal amount)
    {
        Trades[outTradeNo] = ("TRADE_CLOSED", amount);
        return JsonSerializer.Serialize(new { code = "10000", msg = "Success", out_trade_no = outTradeNo });
    }

    private static string Error(string subCode, string subMsg, string outTradeNo) =>
        JsonSerializer.Serialize(new { code = "40004", msg = "Business Failed", sub_code = subCode, sub_msg = subMsg, out_trade_no = outTradeNo });

    public ValueTask DisposeAsync() => gateway.DisposeAsync();
}
