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
            SignedAsync(c, s, body => Order(c, t, o.Value, clock, body, "NATIVE")));
        group.MapPost("/v3/pay/transactions/h5", (HttpContext c, WeChatSimulatorTrades t, WeChatSimulatorSigner s, IOptions<WeChatSimulatorOptions> o, TimeProvider clock) =>
            SignedAsync(c, s, body => Order(c, t, o.Value, clock, body, "MWEB")));
        group.MapGet("/v3/pay/transactions/out-trade-no/{outTradeNo}", (HttpContext c, string outTradeNo, WeChatSimulatorTrades t, WeChatSimulatorSigner s, IOptions<WeChatSimulatorOptions> o) =>
            SignedAsync(c, s, _ => t.Find(outTradeNo) is { } trade && trade.MchId == c.Request.Query["mchid"]
                ? (200, Transaction(trade, o.Value))
                : Error(404, "ORDER_NOT_EXIST", "订单不存在")));
        group.MapPost("/v3/pay/transactions/out-trade-no/{outTradeNo}/close", (HttpContext c, string outTradeNo, WeChatSimulatorTrades t, WeChatSimulatorSigner s) =>
            SignedAsync(c, s, _ => t.Locked((trades, _) => trades.GetValueOrDefault(outTradeNo) switch
            {
                null => Error(404, "ORDER_NOT_EXIST", "订单不存在"),
                { TradeState: "SUCCESS" or "REFUND" } => Error(400, "ORDERPAID", "订单已支付"),
                var trade => Close(trade),
            })));
        group.MapPost("/v3/refund/domestic/refunds", (HttpContext c, WeChatSimulatorTrades t, WeChatSimulatorSigner s, WeChatSimulatorNotifier n, TimeProvider clock) =>
            SignedAsync(c, s, body => Refund(t, n, clock, body)));
        group.MapGet("/v3/refund/domestic/refunds/{outRefundNo}", (HttpContext c, string outRefundNo, WeChatSimulatorTrades t, WeChatSimulatorSigner s) =>
            SignedAsync(c, s, _ => t.Locked((_, refunds) => refunds.GetValueOrDefault(outRefundNo)) is { } refund
                ? (200, RefundView(refund))
                : Error(404, "RESOURCE_NOT_EXISTS", "退款单不存在")));
        group.MapGet("/v3/certificates", (HttpContext c, WeChatSimulatorSigner s, WeChatSimulatorCertificates certificates) =>
            SignedAsync(c, s, _ => (200, certificates.Listing(s.ApiV3Key))));
    }

    /// <summary>Checks the request's signature, runs <paramref name="handle"/> on its body, signs what it answers.</summary>
    private static async Task<IResult> SignedAsync(HttpContext context, WeChatSimulatorSigner signer, Func<string, (int Status, object? Body)> handle)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var request = context.Request;
        var refusal = signer.Refusal(request.Method, request.PathBase + request.Path + request.QueryString, request.Headers.Authorization, body);
        var (status, answer) = refusal is null ? handle(body) : Error(401, "SIGN_ERROR", refusal);
        var json = answer is null ? "" : JsonSerializer.Serialize(answer, WeChatPayJson.Options);
        foreach (var (name, value) in signer.SignHeaders(json))
        {
            context.Response.Headers[name] = value;
        }

        return status == 204 ? Results.NoContent() : Results.Text(json, "application/json; charset=utf-8", statusCode: status);
    }

    private static (int, object?) Order(HttpContext context, WeChatSimulatorTrades trades, WeChatSimulatorOptions options, TimeProvider clock, string body, string tradeType)
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

        return trades.Locked((all, _) =>
        {
            if (all.TryGetValue(outTradeNo, out var existing))
            {
                if (existing.TradeState is "SUCCESS" or "REFUND")
                {
                    return Error(400, "ORDERPAID", "该订单已支付");
                }

                if (existing.TradeState == "CLOSED")
                {
                    return Error(400, "ORDER_CLOSED", "订单已关闭");
                }

                if (existing.Total != total)
                {
                    return Error(400, "OUT_TRADE_NO_USED", "商户订单号重复：金额与已下单的不同");
                }

                return Link(context, existing, tradeType);
            }

            var trade = new WeChatSimTrade
            {
                OutTradeNo = outTradeNo, AppId = options.AppId, MchId = options.MchId, Description = (string)json["description"]!,
                Total = total.Value, TimeExpire = expire, NotifyUrl = (string)json["notify_url"]!, TradeType = tradeType, Token = WeChatSimulatorTrades.NewToken(),
            };
            all[outTradeNo] = trade;
            return Link(context, trade, tradeType);
        });
    }

    /// <summary>Native: a <c>weixin://</c> code_url (its page shows it "as scanned"); H5: this simulator's cashier page.</summary>
    private static (int, object?) Link(HttpContext context, WeChatSimTrade trade, string tradeType) => tradeType == "NATIVE"
        ? (200, new { code_url = $"weixin://wxpay/bizpayurl?pr={trade.Token}" })
        : (200, new { h5_url = $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}{WeChatSimulatorSetup.BasePath}/pay/{trade.Token}" });

    private static (int, object?) Close(WeChatSimTrade trade)
    {
        trade.TradeState = "CLOSED";
        return (204, null);
    }

    private static (int, object?) Refund(WeChatSimulatorTrades trades, WeChatSimulatorNotifier notifier, TimeProvider clock, string body)
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

        return trades.Locked((all, refunds) =>
        {
            if (refunds.TryGetValue(outRefundNo, out var known))
            {
                return (200, RefundView(known)); // the same out_refund_no refunds once, and answers the first refund
            }

            if (!all.TryGetValue(outTradeNo, out var trade) || trade.TradeState is not ("SUCCESS" or "REFUND"))
            {
                return Error(400, "INVALID_REQUEST", "订单不存在或未支付，不能退款");
            }

            if (total != trade.Total)
            {
                return Error(400, "INVALID_REQUEST", "订单金额 amount.total 与原订单不符");
            }

            if (amount > trade.Total - trade.Refunded)
            {
                return Error(400, "INVALID_REQUEST", "申请退款金额超过订单可退金额");
            }

            var now = clock.GetUtcNow();
            var refund = new WeChatSimRefund
            {
                OutRefundNo = outRefundNo, OutTradeNo = outTradeNo, RefundId = WeChatSimulatorTrades.NewRefundId(now), Amount = amount.Value,
                Total = trade.Total, CreatedAt = now, SuccessTime = now,
            };
            refunds[outRefundNo] = refund;
            trade.Refunded += amount.Value;
            trade.TradeState = "REFUND";
            if ((string?)json!["notify_url"] is { Length: > 0 } url)
            {
                notifier.QueueRefund(trade, url, RefundNotice(refund, trade));
            }

            return (200, RefundView(refund));
        });
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

    private static object RefundNotice(WeChatSimRefund refund, WeChatSimTrade trade) => new
    {
        mchid = trade.MchId,
        out_trade_no = refund.OutTradeNo,
        transaction_id = trade.TransactionId,
        out_refund_no = refund.OutRefundNo,
        refund_id = refund.RefundId,
        refund_status = refund.Status,
        success_time = refund.SuccessTime is { } at ? WeChatPayTime.Format(at) : null,
        user_received_account = "支付用户零钱",
        amount = new { total = refund.Total, refund = refund.Amount, payer_total = refund.Total, payer_refund = refund.Amount },
    };

    private static (int, object?) Error(int status, string code, string message) => (status, new { code, message });
}
