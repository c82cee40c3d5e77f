using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using LuffyBlazor.Features.Payments.Alipay;
using Microsoft.AspNetCore.Http;

namespace LuffyBlazor.Tests.Infrastructure;

/// <summary>
/// A local gateway whose trades a test scripts by <c>out_trade_no</c>: it answers <c>alipay.trade.query</c>,
/// <c>alipay.trade.close</c>, <c>alipay.trade.refund</c> and <c>alipay.trade.fastpay.refund.query</c> the way Alipay
/// does, signed with the test "Alipay" key, and records every call. A trade nobody scripted does not exist
/// (<c>ACQ.TRADE_NOT_EXIST</c>). Refunds are kept per trade by out_request_no: the same out_request_no again refunds
/// nothing more (<c>fund_change</c> N), partial refunds add up to the paid amount at most, <c>refund_fee</c> is the
/// total refunded so far, and a fully refunded trade is closed.
/// </summary>
public sealed class ScriptedAlipay : IAsyncDisposable
{
    /// <summary>A trade status, or <see cref="Unreachable"/> to answer HTTP 500.</summary>
    public const string Unreachable = "UNREACHABLE";

    private FakeAlipayGateway gateway = null!;

    public ConcurrentDictionary<string, (string Status, decimal Amount)> Trades { get; } = new();

    /// <summary>The trade_no this gateway reports for an order: a notify for the same trade must carry the same one.</summary>
    public static string TradeNoOf(string outTradeNo) => "2026112522001" + outTradeNo[^15..];

    public ConcurrentQueue<(string Method, string OutTradeNo)> Calls { get; } = new();

    /// <summary>Refunds made, per trade: out_request_no → amount.</summary>
    public ConcurrentDictionary<string, ConcurrentDictionary<string, decimal>> Refunds { get; } = new();

    /// <summary>
    /// Per trade, how many refund answers to lose: the refund is made, then HTTP 500 is answered (a timeout, as the
    /// caller sees it). The client retries twice, so 3 makes one refund call fail for the caller.
    /// </summary>
    public ConcurrentDictionary<string, int> RefundAnswersToLose { get; } = new();

    /// <summary>
    /// Per trade, answers the next refund calls get instead of the usual one, in order: a signed error (e.g. 20000
    /// <c>isp.unknow-error</c>), given after the refund was made or without making it.
    /// </summary>
    public ConcurrentDictionary<string, ConcurrentQueue<ScriptedRefundAnswer>> RefundAnswers { get; } = new();

    public void ScriptRefundAnswer(string outTradeNo, ScriptedRefundAnswer answer) =>
        RefundAnswers.GetOrAdd(outTradeNo, _ => new()).Enqueue(answer);

    /// <summary>Runs before each call (method, out_trade_no) is answered: a test makes Alipay slow on a fake clock, or acts meanwhile.</summary>
    public Func<string, string, Task>? BeforeAnswer { get; set; }

    /// <summary>
    /// Daily statements (the zip's bytes) by Beijing day: a bill download URL query for a scripted day answers a URL
    /// on this server that serves them; any other day has none (<c>isp.bill_not_exist</c>).
    /// </summary>
    public ConcurrentDictionary<DateOnly, byte[]> Statements { get; } = new();

    public decimal RefundedTotal(string outTradeNo) => Refunds.TryGetValue(outTradeNo, out var refunds) ? refunds.Values.Sum() : 0m;

    public string Url => gateway.Url;

    public static async Task<ScriptedAlipay> StartAsync()
    {
        var scripted = new ScriptedAlipay();
        scripted.gateway = await FakeAlipayGateway.StartAsync((_, context) => scripted.AnswerAsync(context), files: scripted.ServeStatementAsync);
        return scripted;
    }

    public int CallsFor(string outTradeNo, string method) => Calls.Count(c => c.OutTradeNo == outTradeNo && c.Method == method);

    private async Task AnswerAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        var method = form["method"].ToString();
        var biz = JsonDocument.Parse(form["biz_content"].ToString()).RootElement;
        if (method == AlipayBillDownloadUrl.Method)
        {
            await AnswerBillQueryAsync(context, biz);
            return;
        }

        var outTradeNo = biz.GetProperty("out_trade_no").GetString()!;
        Calls.Enqueue((method, outTradeNo));
        if (BeforeAnswer is { } beforeAnswer)
        {
            await beforeAnswer(method, outTradeNo);
        }

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

        if (method == "alipay.trade.refund" && RefundAnswers.TryGetValue(outTradeNo, out var scripted) && scripted.TryDequeue(out var answer))
        {
            if (answer.RefundMade)
            {
                Refund(outTradeNo, biz.GetProperty("out_request_no").GetString()!,
                    decimal.Parse(biz.GetProperty("refund_amount").GetString()!, CultureInfo.InvariantCulture), trade);
            }

            await FakeAlipayGateway.SignedAsync(context, method, JsonSerializer.Serialize(new
            {
                code = answer.Code, msg = answer.Code == "20000" ? "Service Currently Unavailable" : "Business Failed",
                sub_code = answer.SubCode, sub_msg = "系统繁忙", out_trade_no = outTradeNo,
            }));
            return;
        }

        var node = method switch
        {
            "alipay.trade.query" => JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["code"] = "10000", ["msg"] = "Success", ["out_trade_no"] = outTradeNo, ["trade_no"] = TradeNoOf(outTradeNo),
                ["trade_status"] = trade.Status, ["total_amount"] = trade.Amount.ToString("0.00", CultureInfo.InvariantCulture),
                ["send_pay_date"] = "2026-11-25 16:31:10", ["buyer_user_id"] = "2088102177846875",
            }),
            "alipay.trade.close" when trade.Status == "WAIT_BUYER_PAY" => Close(outTradeNo, trade.Amount),
            "alipay.trade.close" => Error("ACQ.TRADE_STATUS_ERROR", "交易状态不合法", outTradeNo),
            "alipay.trade.refund" => Refund(outTradeNo, biz.GetProperty("out_request_no").GetString()!,
                decimal.Parse(biz.GetProperty("refund_amount").GetString()!, CultureInfo.InvariantCulture), trade),
            "alipay.trade.fastpay.refund.query" => RefundQuery(outTradeNo, biz.GetProperty("out_request_no").GetString()!, trade.Amount),
            _ => Error("ACQ.SYSTEM_ERROR", $"unscripted method {method}", outTradeNo),
        };
        if (method == "alipay.trade.refund" && RefundAnswersToLose.TryGetValue(outTradeNo, out var toLose) && toLose > 0)
        {
            RefundAnswersToLose[outTradeNo] = toLose - 1;
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }

        await FakeAlipayGateway.SignedAsync(context, method, node);
    }

    private async Task AnswerBillQueryAsync(HttpContext context, JsonElement biz)
    {
        var billDate = biz.GetProperty("bill_date").GetString()!;
        Calls.Enqueue((AlipayBillDownloadUrl.Method, billDate));
        if (BeforeAnswer is { } beforeAnswer)
        {
            await beforeAnswer(AlipayBillDownloadUrl.Method, billDate);
        }

        var node = Statements.ContainsKey(DateOnly.ParseExact(billDate, "yyyy-MM-dd", CultureInfo.InvariantCulture))
            ? JsonSerializer.Serialize(new { code = "10000", msg = "Success", bill_download_url = $"{gateway.Origin}/files/{billDate}.zip" })
            : JsonSerializer.Serialize(new { code = "40004", msg = "Business Failed", sub_code = AlipayBillDownloadUrl.BillNotExist, sub_msg = "账单不存在" });
        await FakeAlipayGateway.SignedAsync(context, AlipayBillDownloadUrl.Method, node);
    }

    private Task ServeStatementAsync(string name, HttpContext context)
    {
        if (!DateOnly.TryParseExact(name.Replace(".zip", ""), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            || !Statements.TryGetValue(day, out var zip))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        context.Response.ContentType = "application/zip";
        return context.Response.Body.WriteAsync(zip).AsTask();
    }

    private string Refund(string outTradeNo, string outRequestNo, decimal amount, (string Status, decimal Amount) trade)
    {
        var refunds = Refunds.GetOrAdd(outTradeNo, _ => new());
        lock (refunds)
        {
            var fundChange = "N";
            if (!refunds.ContainsKey(outRequestNo))
            {
                if (trade.Status != "TRADE_SUCCESS")
                {
                    return Error("ACQ.TRADE_STATUS_ERROR", "交易状态不合法", outTradeNo);
                }

                if (refunds.Values.Sum() + amount > trade.Amount)
                {
                    return Error("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限", outTradeNo);
                }

                refunds[outRequestNo] = amount;
                fundChange = "Y";
                if (refunds.Values.Sum() == trade.Amount)
                {
                    Trades[outTradeNo] = ("TRADE_CLOSED", trade.Amount);
                }
            }

            return JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["code"] = "10000", ["msg"] = "Success", ["out_trade_no"] = outTradeNo, ["trade_no"] = TradeNoOf(outTradeNo),
                ["buyer_logon_id"] = "159****5620", ["fund_change"] = fundChange,
                ["refund_fee"] = refunds.Values.Sum().ToString("0.00", CultureInfo.InvariantCulture),
                ["gmt_refund_pay"] = "2026-11-26 10:00:00",
            });
        }
    }

    /// <summary>Like Alipay: 10000 either way, with the refund's fields only when it was made.</summary>
    private string RefundQuery(string outTradeNo, string outRequestNo, decimal tradeAmount)
    {
        var fields = new Dictionary<string, string> { ["code"] = "10000", ["msg"] = "Success" };
        if (Refunds.TryGetValue(outTradeNo, out var refunds) && refunds.TryGetValue(outRequestNo, out var amount))
        {
            fields["out_trade_no"] = outTradeNo;
            fields["out_request_no"] = outRequestNo;
            fields["refund_amount"] = amount.ToString("0.00", CultureInfo.InvariantCulture);
            fields["total_amount"] = tradeAmount.ToString("0.00", CultureInfo.InvariantCulture);
            fields["refund_status"] = "REFUND_SUCCESS";
        }

        return JsonSerializer.Serialize(fields);
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

/// <summary>A refund answer a test scripts: Alipay's error <paramref name="Code"/>/<paramref name="SubCode"/>, after refunding or not.</summary>
public sealed record ScriptedRefundAnswer(string Code, string SubCode, bool RefundMade);
