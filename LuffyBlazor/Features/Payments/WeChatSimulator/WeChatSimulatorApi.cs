using System.Text.Json;
using System.Text.Json.Nodes;
using LuffyBlazor.Features.Payments.WeChat;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Payments.WeChatSimulator;

/// <summary>
/// The simulated APIv3: Native and H5 orders, query by out_trade_no, close, refund and refund query, the platform
/// certificates (<c>/v3/certificates</c>), under
/// <c>/dev/wechatpay/v3/…</c>. Every request's signature is checked; every answer is signed; errors are WeChat's
/// <c>{"code","message"}</c> with its HTTP statuses.
/// </summary>
public static class WeChatSimulatorApi
{
    public static void MapApi(RouteGroupBuilder group)
    {
        group.MapPost("/v3/pay/transactions/native", (HttpContext c, WeChatSimulatorTrades t, WeChatSimulatorSigner s, IOptions<WeChatSimulatorOptions> o, TimeProvider clock) =>
            SignedAsync(c, s, body => OrderAsync(c, t, o.Value, clock, body, "NATIVE")));
        group.MapPost("/v3/pay/transactions/h5", (HttpContext c, WeChatSimulatorTrades t, WeChatSimulatorSigner s, IOptions<WeChatSimulatorOptions> o, TimeProvider clock) =>
            SignedAsync(c, s, body => OrderAsync(c, t, o.Value, clock, body, "MWEB")));
        group.MapGet("/v3/pay/transactions/out-trade-no/{outTradeNo}", (HttpContext c, string outTradeNo, WeChatSimulatorTrades t, WeChatSimulatorSigner s, IOptions<WeChatSimulatorOptions> o) =>
            SignedAsync(c, s, async _ => await t.FindAsync(outTradeNo) is { } trade && trade.MchId == c.Request.Query["mchid"]
                ? Faulty(trade) ?? new Answer(200, Transaction(trade, o.Value), trade.ApiFault == WeChatApiFault.BadSignature)
                : Error(404, "ORDER_NOT_EXIST", "订单不存在")));
        group.MapPost("/v3/pay/transactions/out-trade-no/{outTradeNo}/close", (HttpContext c, string outTradeNo, WeChatSimulatorTrades t, WeChatSimulatorSigner s) =>
            SignedAsync(c, s, async _ => await t.FindAsync(outTradeNo) is { } known && Faulty(known) is { } fault ? fault
                : await t.CloseAsync(outTradeNo) switch
                {
                    null => Error(404, "ORDER_NOT_EXIST", "订单不存在"),
                    { TradeState: "SUCCESS" or "REFUND" } => Error(400, "ORDERPAID", "订单已支付"),
                    var closed => new Answer(204, null, closed.ApiFault == WeChatApiFault.BadSignature),
                }));
        group.MapPost("/v3/refund/domestic/refunds", (HttpContext c, WeChatSimulatorTrades t, WeChatSimulatorSigner s) =>
            SignedAsync(c, s, body => RefundAsync(t, body)));
        group.MapGet("/v3/refund/domestic/refunds/{outRefundNo}", (HttpContext c, string outRefundNo, WeChatSimulatorTrades t, WeChatSimulatorSigner s) =>
            SignedAsync(c, s, async _ => await t.FindRefundAsync(outRefundNo) is { } refund
                ? new Answer(200, RefundView(refund))
                : Error(404, "RESOURCE_NOT_EXISTS", "退款单不存在")));
        group.MapGet("/v3/certificates", (HttpContext c, WeChatSimulatorSigner s, WeChatSimulatorCertificates certificates) =>
            SignedAsync(c, s, _ => (200, certificates.Listing(s.ApiV3Key))));
    }

    /// <summary>An answer: its HTTP status, its JSON body, and whether to sign it wrongly (the <see cref="WeChatApiFault.BadSignature"/> switch).</summary>
    public sealed record Answer(int Status, object? Body, bool ForgeSignature = false)
    {
        public static implicit operator Answer((int Status, object? Body) answer) => new(answer.Status, answer.Body);
    }

    /// <summary>Checks the request's signature, runs <paramref name="handle"/> on its body, signs what it answers.</summary>
    private static Task<IResult> SignedAsync(HttpContext context, WeChatSimulatorSigner signer, Func<string, (int Status, object? Body)> handle) =>
        SignedAsync(context, signer, body => Task.FromResult<Answer>(handle(body)));

    private static async Task<IResult> SignedAsync(HttpContext context, WeChatSimulatorSigner signer, Func<string, Task<Answer>> handle)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var request = context.Request;
        var refusal = signer.Refusal(request.Method, request.PathBase + request.Path + request.QueryString, request.Headers.Authorization, body);
        var (status, answer, forge) = refusal is null ? await handle(body) : Error(401, "SIGN_ERROR", refusal);
        var json = answer is null ? "" : JsonSerializer.Serialize(answer, WeChatPayJson.Options);
        foreach (var (name, value) in signer.SignHeaders(json, forge))
        {
            context.Response.Headers[name] = value;
        }

        return status == 204 ? Results.NoContent() : Results.Text(json, "application/json; charset=utf-8", statusCode: status);
    }

    /// <summary>The trade's API switch as WeChat would answer it: a signed error, or null to answer normally.</summary>
    private static Answer? Faulty(WeChatSimTrade trade) => trade.ApiFault switch
    {
        WeChatApiFault.SystemError => Error(500, "SYSTEM_ERROR", "系统错误"),
        WeChatApiFault.FrequencyLimited => Error(429, "FREQUENCY_LIMITED", "频率超限"),
        _ => null,
    };

    private static async Task<Answer> OrderAsync(HttpContext context, WeChatSimulatorTrades trades, WeChatSimulatorOptions options, TimeProvider clock, string body, string tradeType)
    {
        JsonNode? json;
        try
        {
            json = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return Error(400, "PARAM_ERROR", "请求体不是 JSON");
        }

        var outTradeNo = (string?)json?["out_trade_no"];
        var total = (long?)json?["amount"]?["total"];
        if (string.IsNullOrEmpty(outTradeNo) || total is not > 0 || string.IsNullOrEmpty((string?)json!["notify_url"])
            || string.IsNullOrEmpty((string?)json["description"]))
        {
            return Error(400, "PARAM_ERROR", "缺少 out_trade_no、description、notify_url 或 amount.total");
        }

        if ((string?)json["mchid"] != options.MchId || (string?)json["appid"] != options.AppId)
        {
            return Error(400, "APPID_MCHID_NOT_MATCH", $"appid 与 mchid 不匹配（模拟商户：{options.MchId} / {options.AppId}）");
        }

        if (!WeChatPayTime.TryParse((string?)json["time_expire"], out var expire))
        {
            expire = clock.GetUtcNow().AddHours(2);
        }

        if (tradeType == "MWEB" && string.IsNullOrEmpty((string?)json["scene_info"]?["payer_client_ip"]))
        {
            return Error(400, "PARAM_ERROR", "H5 支付须提供 scene_info.payer_client_ip");
        }

        var (trade, created) = await trades.PlaceAsync(new WeChatSimTrade
        {
            OutTradeNo = outTradeNo, AppId = options.AppId, MchId = options.MchId, Description = (string)json["description"]!,
            Total = total.Value, TimeExpire = expire.UtcDateTime, NotifyUrl = (string)json["notify_url"]!, TradeType = tradeType,
            Token = WeChatSimulatorTrades.NewToken(),
        }, context.RequestAborted);
        return trade switch
        {
            _ when created => Link(context, trade, tradeType),
            { TradeState: "SUCCESS" or "REFUND" } => Error(400, "ORDERPAID", "该订单已支付"),
            { TradeState: "CLOSED" } => Error(400, "ORDER_CLOSED", "订单已关闭"),
            _ when trade.Total != total => Error(400, "OUT_TRADE_NO_USED", "商户订单号重复：金额与已下单的不同"),
            _ => Link(context, trade, tradeType),
        };
    }

    /// <summary>Native: a <c>weixin://</c> code_url (its page shows it "as scanned"); H5: this simulator's cashier page.</summary>
    private static (int, object?) Link(HttpContext context, WeChatSimTrade trade, string tradeType) => tradeType == "NATIVE"
        ? (200, new { code_url = $"weixin://wxpay/bizpayurl?pr={trade.Token}" })
        : (200, new { h5_url = $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}{WeChatSimulatorSetup.BasePath}/pay/{trade.Token}" });

    private static async Task<Answer> RefundAsync(WeChatSimulatorTrades trades, string body)
    {
        var json = JsonNode.Parse(body);
        var outTradeNo = (string?)json?["out_trade_no"];
        var outRefundNo = (string?)json?["out_refund_no"];
        var amount = (long?)json?["amount"]?["refund"];
        var total = (long?)json?["amount"]?["total"];
        if (string.IsNullOrEmpty(outTradeNo) || string.IsNullOrEmpty(outRefundNo) || amount is not > 0 || total is null)
        {
            return Error(400, "PARAM_ERROR", "缺少 out_trade_no、out_refund_no 或 amount");
        }

        var trade = await trades.FindAsync(outTradeNo);
        if (trade is not null && Faulty(trade) is { } fault)
        {
            return fault; // the refund is not made: the shop must try again, with the same out_refund_no
        }

        var result = await trades.RefundAsync(outTradeNo, outRefundNo, amount.Value, total.Value, (string?)json!["notify_url"]);
        return result.Refund is { } refund
            ? new Answer(200, RefundView(refund), trade?.ApiFault == WeChatApiFault.BadSignature)
            : Error(400, "INVALID_REQUEST", result.Refusal!);
    }

    public static object Transaction(WeChatSimTrade trade, WeChatSimulatorOptions options) => new
    {
        appid = trade.AppId,
        mchid = trade.MchId,
        out_trade_no = trade.OutTradeNo,
        transaction_id = trade.TransactionId.Length == 0 ? null : trade.TransactionId,
        trade_type = trade.TradeType,
        trade_state = trade.TradeState,
        trade_state_desc = WeChatPayTransaction.StatusText(trade.TradeState),
        bank_type = trade.SuccessTime is null ? null : "OTHERS",
        success_time = trade.SuccessTime is { } at ? WeChatPayTime.Format(at) : null,
        payer = trade.SuccessTime is null ? null : new { openid = options.OpenId },
        amount = new { total = trade.Total, payer_total = trade.SuccessTime is null ? (long?)null : trade.Total, currency = "CNY", payer_currency = "CNY" },
    };

    private static object RefundView(WeChatSimRefund refund) => new
    {
        refund_id = refund.RefundId,
        out_refund_no = refund.OutRefundNo,
        out_trade_no = refund.OutTradeNo,
        channel = "ORIGINAL",
        user_received_account = "支付用户零钱",
        status = refund.Status,
        create_time = WeChatPayTime.Format(refund.CreatedAt),
        success_time = refund.SuccessTime is { } at ? WeChatPayTime.Format(at) : null,
        amount = new { total = refund.Total, refund = refund.Amount, payer_total = refund.Total, payer_refund = refund.Amount, currency = "CNY" },
    };

    private static (int, object?) Error(int status, string code, string message) => (status, new { code, message });
}
