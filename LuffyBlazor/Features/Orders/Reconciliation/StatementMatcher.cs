using LuffyBlazor.Common;
using LuffyBlazor.Features.Orders.Payments;
using LuffyBlazor.Features.Payments.Alipay;

namespace LuffyBlazor.Features.Orders.Reconciliation;

/// <summary>An order as the books hold it.</summary>
public sealed record ShopPayment(string OutTradeNo, string? TradeNo, decimal TotalAmount, OrderStatus Status, DateTime? PayTime);

/// <summary>A refund request as the books hold it.</summary>
public sealed record ShopRefund(string OutRequestNo, string OutTradeNo, decimal Amount, RefundStatus Status, DateTime? CompletedAt);

/// <summary>
/// The shop's side of a day: the orders paid and the refunds completed that day, and every order and refund the
/// statement names, whatever their day or state.
/// </summary>
public sealed record ShopBooks(
    IReadOnlyList<ShopPayment> PaidOnDay, IReadOnlyDictionary<string, ShopPayment> OrdersNamed,
    IReadOnlyList<ShopRefund> RefundedOnDay, IReadOnlyDictionary<string, ShopRefund> RefundsNamed);

public sealed record FoundMismatch(
    MismatchKind Kind, string OutTradeNo, string? TradeNo, string? OutRequestNo, decimal? AlipayAmount, decimal? ShopAmount, bool OrderKnown, string Detail);

public sealed record MatchResult(
    int StatementRows, int Matched, decimal AlipayIncome, decimal AlipayRefunds, decimal ShopIncome, decimal ShopRefunds, IReadOnlyList<FoundMismatch> Mismatches);

/// <summary>
/// Compares a day's statement with the books, without a database: payments by out_trade_no (the order total
/// against 订单金额), refunds by out_request_no (退款批次号/请求号, which Alipay sets to the out_trade_no when a refund
/// had none), then what the books have that the statement lacks. Rows that are neither payment nor refund count as
/// statement rows and are not matched.
/// </summary>
public static class StatementMatcher
{
    public static MatchResult Match(IReadOnlyList<AlipayStatementRow> rows, ShopBooks books)
    {
        var mismatches = new List<FoundMismatch>();
        var matched = 0;
        var payments = rows.Where(r => r.IsPayment).ToList();
        var refunds = rows.Where(r => r.IsRefund).ToList();

        foreach (var row in payments)
        {
            if (PaymentMismatch(row, books) is { } mismatch)
            {
                mismatches.Add(mismatch);
            }
            else
            {
                matched++;
            }
        }

        var inStatement = payments.Select(r => r.OutTradeNo).ToHashSet(StringComparer.Ordinal);
        mismatches.AddRange(books.PaidOnDay.Where(p => !inStatement.Contains(p.OutTradeNo)).Select(p => new FoundMismatch(
            MismatchKind.PaidHereOnly, p.OutTradeNo, p.TradeNo, null, null, p.TotalAmount, true,
            $"本地 {p.PayTime?.ToBeijingText()} 已收款 {Money.Format(p.TotalAmount)} 元（{p.Status.ToChinese()}），支付宝当日账单中没有这笔交易")));

        foreach (var row in refunds)
        {
            if (RefundMismatch(row, books) is { } mismatch)
            {
                mismatches.Add(mismatch);
            }
            else
            {
                matched++;
            }
        }

        var refundedInStatement = refunds.Select(RequestNo).ToHashSet(StringComparer.Ordinal);
        mismatches.AddRange(books.RefundedOnDay.Where(r => !refundedInStatement.Contains(r.OutRequestNo)).Select(r => new FoundMismatch(
            MismatchKind.RefundDiffers, r.OutTradeNo, null, r.OutRequestNo, null, r.Amount, true,
            $"本地 {r.CompletedAt?.ToBeijingText()} 退款 {Money.Format(r.Amount)} 元（退款请求号 {r.OutRequestNo}），支付宝当日账单中没有这笔退款")));

        return new MatchResult(
            rows.Count, matched, payments.Sum(r => r.OrderAmount), refunds.Sum(r => -r.OrderAmount),
            books.PaidOnDay.Sum(p => p.TotalAmount), books.RefundedOnDay.Sum(r => r.Amount), mismatches);
    }

    private static FoundMismatch? PaymentMismatch(AlipayStatementRow row, ShopBooks books)
    {
        var amount = Money.Format(row.OrderAmount);
        if (!books.OrdersNamed.TryGetValue(row.OutTradeNo, out var order))
        {
            return new(MismatchKind.PaidAtAlipayOnly, row.OutTradeNo, row.TradeNo, null, row.OrderAmount, null, false,
                $"支付宝收款 {amount} 元，本地没有这个订单号（可能是同一商户下其他应用的交易）");
        }

        if (order.PayTime is null)
        {
            return new(MismatchKind.PaidAtAlipayOnly, row.OutTradeNo, row.TradeNo, null, row.OrderAmount, order.TotalAmount, true,
                $"支付宝 {row.FinishedAt?.ToAlipayText()} 已收款 {amount} 元，本地订单仍为{order.Status.ToChinese()}");
        }

        return order.TotalAmount == row.OrderAmount
            ? null
            : new(MismatchKind.AmountDiffers, row.OutTradeNo, row.TradeNo, null, row.OrderAmount, order.TotalAmount, true,
                $"支付宝收款 {amount} 元，本地订单金额 {Money.Format(order.TotalAmount)} 元");
    }

    private static FoundMismatch? RefundMismatch(AlipayStatementRow row, ShopBooks books)
    {
        var requestNo = RequestNo(row);
        var amount = -row.OrderAmount;
        var known = books.OrdersNamed.ContainsKey(row.OutTradeNo);
        if (!books.RefundsNamed.TryGetValue(requestNo, out var refund))
        {
            return new(MismatchKind.RefundDiffers, row.OutTradeNo, row.TradeNo, requestNo, amount, null, known,
                $"支付宝退款 {Money.Format(amount)} 元（退款请求号 {requestNo}），本地没有这笔退款记录");
        }

        if (refund.Status != RefundStatus.Succeeded)
        {
            return new(MismatchKind.RefundDiffers, row.OutTradeNo, row.TradeNo, requestNo, amount, refund.Amount, known,
                $"支付宝已退款 {Money.Format(amount)} 元，本地这笔退款仍为{(refund.Status == RefundStatus.Pending ? "处理中，请在订单页重试以确认" : "失败")}");
        }

        return refund.Amount == amount
            ? null
            : new(MismatchKind.RefundDiffers, row.OutTradeNo, row.TradeNo, requestNo, amount, refund.Amount, known,
                $"支付宝退款 {Money.Format(amount)} 元，本地退款记录 {Money.Format(refund.Amount)} 元");
    }

    /// <summary>The refund's out_request_no; Alipay uses the out_trade_no for a refund that was sent without one.</summary>
    private static string RequestNo(AlipayStatementRow row) => row.RefundRequestNo ?? row.OutTradeNo;
}
