using LuffyBlazor.Common;
using LuffyBlazor.Features.Payments.Alipay;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Payments.Simulator;

/// <summary>
/// <c>alipay.trade.query</c>, <c>close</c>, <c>refund</c> and <c>fastpay.refund.query</c>, answered with Alipay's codes
/// and signed <c>*_response</c> nodes. Trades past <c>time_expire</c> read as closed, as at Alipay.
/// </summary>
public sealed class SimulatorOpenApi(
    IDbContextFactory<SimulatorDbContext> dbFactory, SimulatorCashier cashier, SimulatorNotifications notifications, TimeProvider clock)
{
    private static readonly Dictionary<string, string> Success = new() { ["code"] = "10000", ["msg"] = "Success" };

    /// <summary>The answer node for a verified request.</summary>
    public async Task<Dictionary<string, string>> AnswerAsync(GatewayRequest request, CancellationToken ct)
    {
        var outTradeNo = request.BizText("out_trade_no");
        var tradeNo = request.BizText("trade_no");
        if (outTradeNo is null && tradeNo is null)
        {
            return Error(GatewayError.Business("ACQ.INVALID_PARAMETER", "out_trade_no 和 trade_no 不能同时为空"), null);
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var appId = request.Get("app_id");
        var found = await db.Set<SimulatorTrade>().AsNoTracking()
            .Where(t => t.AppId == appId && (t.OutTradeNo == outTradeNo || t.TradeNo == tradeNo))
            .Select(t => t.TradeNo).FirstOrDefaultAsync(ct);
        // Before the buyer opens the cashier there is no trade at all: the answer merchants must tell apart.
        var trade = found is null ? null : await cashier.FindAsync(found, ct);
        if (trade is null)
        {
            return Error(GatewayError.Business("ACQ.TRADE_NOT_EXIST", "交易不存在"), outTradeNo);
        }

        return request.Method switch
        {
            "alipay.trade.query" => Query(trade),
            "alipay.trade.close" => await CloseAsync(db, trade, ct),
            "alipay.trade.refund" => await RefundAsync(db, trade, request, ct),
            _ => await RefundQueryAsync(db, trade, request, ct),
        };
    }

    public static Dictionary<string, string> Error(GatewayError error, string? outTradeNo)
    {
        var node = new Dictionary<string, string> { ["code"] = error.Code, ["msg"] = error.Msg, ["sub_code"] = error.SubCode, ["sub_msg"] = error.SubMsg };
        if (outTradeNo is not null)
        {
            node["out_trade_no"] = outTradeNo;
        }

        return node;
    }

    private static Dictionary<string, string> Query(SimulatorTrade trade)
    {
        var node = With(trade);
        node["trade_status"] = trade.Status;
        node["total_amount"] = Money.Format(trade.TotalAmount);
        if (trade.PaidAt is { } paid)
        {
            var paidAmount = Money.Format(trade.TotalAmount - trade.RefundedAmount);
            node["buyer_logon_id"] = trade.BuyerLogonId ?? "";
            node["buyer_user_id"] = trade.BuyerId ?? "";
            node["send_pay_date"] = paid.ToAlipayText();
            node["buyer_pay_amount"] = Money.Format(trade.TotalAmount);
            node["receipt_amount"] = paidAmount;
            node["invoice_amount"] = paidAmount;
            node["point_amount"] = "0.00";
        }

        return node;
    }

    private async Task<Dictionary<string, string>> CloseAsync(SimulatorDbContext db, SimulatorTrade trade, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var closed = await db.Set<SimulatorTrade>()
            .Where(t => t.Id == trade.Id && t.Status == AlipayTradeStatus.WaitBuyerPay)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, AlipayTradeStatus.Closed).SetProperty(t => t.ClosedAt, now)
                .SetProperty(t => t.Version, t => t.Version + 1), ct);
        return closed == 1
            ? With(trade)
            : Error(GatewayError.Business("ACQ.TRADE_STATUS_ERROR", $"交易状态不合法：{trade.Status}，只能关闭等待付款的交易"), trade.OutTradeNo);
    }

    private async Task<Dictionary<string, string>> RefundAsync(SimulatorDbContext db, SimulatorTrade trade, GatewayRequest request, CancellationToken ct)
    {
        var outRequestNo = request.BizText("out_request_no") ?? trade.OutTradeNo; // Alipay defaults it to the trade number
        if (!Money.TryParse(request.BizText("refund_amount"), out var amount) || amount <= 0)
        {
            return Error(GatewayError.Business("ACQ.INVALID_PARAMETER", $"refund_amount 格式错误：{request.BizText("refund_amount")}"), trade.OutTradeNo);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var current = await db.Set<SimulatorTrade>().FirstAsync(t => t.Id == trade.Id, ct);
        var earlier = await db.Set<SimulatorRefund>().FirstOrDefaultAsync(r => r.TradeId == trade.Id && r.OutRequestNo == outRequestNo, ct);
        if (earlier is not null)
        {
            // The same out_request_no again (a retry after a timeout): the same result, and no money moves.
            return earlier.Amount == amount
                ? RefundAnswer(current, fundChange: false, earlier.RefundedAt)
                : Error(GatewayError.Business("ACQ.CONTEXT_INCONSISTENT", $"退款请求 {outRequestNo} 已以 {Money.Format(earlier.Amount)} 元受理，金额不一致"), trade.OutTradeNo);
        }

        if (current.Status is not (AlipayTradeStatus.Success or AlipayTradeStatus.Finished))
        {
            return Error(GatewayError.Business("ACQ.TRADE_STATUS_ERROR", $"交易状态不合法：{current.Status}"), trade.OutTradeNo);
        }

        if (current.RefundedAmount + amount > current.TotalAmount)
        {
            return Error(GatewayError.Business("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL",
                $"退款金额超限：可退 {Money.Format(current.TotalAmount - current.RefundedAmount)} 元"), trade.OutTradeNo);
        }

        var now = clock.GetUtcNow();
        var refund = new SimulatorRefund { TradeId = current.Id, OutRequestNo = outRequestNo, Amount = amount, Reason = request.BizText("refund_reason"), RefundedAt = now.UtcDateTime };
        db.Add(refund);
        current.RefundedAmount += amount;
        if (current.RefundedAmount == current.TotalAmount)
        {
            current.Status = AlipayTradeStatus.Closed;
            current.ClosedAt = now.UtcDateTime;
        }

        current.Version++;
        notifications.QueueRefund(db, current, refund, now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        notifications.Wake();
        return RefundAnswer(current, fundChange: true, refund.RefundedAt);
    }

    private static async Task<Dictionary<string, string>> RefundQueryAsync(
        SimulatorDbContext db, SimulatorTrade trade, GatewayRequest request, CancellationToken ct)
    {
        var outRequestNo = request.BizText("out_request_no") ?? trade.OutTradeNo;
        var refund = await db.Set<SimulatorRefund>().AsNoTracking()
            .FirstOrDefaultAsync(r => r.TradeId == trade.Id && r.OutRequestNo == outRequestNo, ct);
        var node = With(trade);
        node["out_request_no"] = outRequestNo;
        if (refund is not null)
        {
            // A refund Alipay never received is answered 10000 without these fields.
            node["refund_amount"] = Money.Format(refund.Amount);
            node["total_amount"] = Money.Format(trade.TotalAmount);
            node["refund_status"] = "REFUND_SUCCESS";
            node["gmt_refund_pay"] = refund.RefundedAt.ToAlipayText();
        }

        return node;
    }

    private static Dictionary<string, string> RefundAnswer(SimulatorTrade trade, bool fundChange, DateTime refundedAt)
    {
        var node = With(trade);
        node["buyer_logon_id"] = trade.BuyerLogonId ?? "";
        node["buyer_user_id"] = trade.BuyerId ?? "";
        node["fund_change"] = fundChange ? "Y" : "N";
        node["refund_fee"] = Money.Format(trade.RefundedAmount);
        node["gmt_refund_pay"] = refundedAt.ToAlipayText();
        return node;
    }

    private static Dictionary<string, string> With(SimulatorTrade trade) => new(Success)
    {
        ["out_trade_no"] = trade.OutTradeNo,
        ["trade_no"] = trade.TradeNo,
    };
}
