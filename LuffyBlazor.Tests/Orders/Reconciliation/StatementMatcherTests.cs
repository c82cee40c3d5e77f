using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Orders.Payments;
using LuffyBlazor.Features.Orders.Reconciliation;
using LuffyBlazor.Features.Payments.Alipay;

namespace LuffyBlazor.Tests.Orders.Reconciliation;

/// <summary>The comparison of a statement with the books, each kind of difference on its own, without a database.</summary>
public sealed class StatementMatcherTests
{
    private static readonly DateTime PaidAt = new(2026, 11, 25, 8, 31, 10, DateTimeKind.Utc);

    private static AlipayStatementRow Payment(string outTradeNo, decimal amount) =>
        new(1, "2026112522001" + outTradeNo, outTradeNo, AlipayStatementRow.Payment, "课程", PaidAt, PaidAt, amount, amount, null, 0m);

    private static AlipayStatementRow Refund(string outTradeNo, decimal amount, string? requestNo) =>
        new(2, "2026112522001" + outTradeNo, outTradeNo, AlipayStatementRow.Refund, "课程", PaidAt, PaidAt, -amount, -amount, requestNo, 0m);

    private static ShopPayment Paid(string outTradeNo, decimal amount) => new(outTradeNo, "2026112522001" + outTradeNo, amount, OrderStatus.Paid, PaidAt);

    private static ShopRefund Refunded(string outRequestNo, string outTradeNo, decimal amount, RefundStatus status = RefundStatus.Succeeded) =>
        new(outRequestNo, outTradeNo, amount, status, PaidAt);

    /// <summary>Books whose day holds <paramref name="paidOnDay"/> and <paramref name="refundedOnDay"/>; <paramref name="others"/> are known from other days.</summary>
    private static ShopBooks Books(ShopPayment[] paidOnDay, ShopRefund[]? refundedOnDay = null, ShopPayment[]? others = null, ShopRefund[]? otherRefunds = null) => new(
        paidOnDay, paidOnDay.Concat(others ?? []).ToDictionary(p => p.OutTradeNo),
        refundedOnDay ?? [], (refundedOnDay ?? []).Concat(otherRefunds ?? []).ToDictionary(r => r.OutRequestNo));

    [Fact]
    public void Payments_and_refunds_both_books_have_alike_are_matched_and_the_totals_agree()
    {
        var result = StatementMatcher.Match(
            [Payment("A", 198.00m), Refund("A", 59.00m, "A_R1")],
            Books([Paid("A", 198.00m)], [Refunded("A_R1", "A", 59.00m)]));

        Assert.Empty(result.Mismatches);
        Assert.Equal((2, 2, 198.00m, 59.00m, 198.00m, 59.00m),
            (result.StatementRows, result.Matched, result.AlipayIncome, result.AlipayRefunds, result.ShopIncome, result.ShopRefunds));
    }

    [Fact]
    public void A_payment_alipay_took_for_an_order_still_unpaid_here_can_be_repaired()
    {
        var unpaid = new ShopPayment("B", null, 59.00m, OrderStatus.TimedOut, null);

        var mismatch = Assert.Single(StatementMatcher.Match([Payment("B", 59.00m)], Books([], others: [unpaid])).Mismatches);

        Assert.Equal((MismatchKind.PaidAtAlipayOnly, true, 59.00m, 59.00m), (mismatch.Kind, mismatch.OrderKnown, mismatch.AlipayAmount, mismatch.ShopAmount));
        Assert.Contains("本地订单仍为超时取消", mismatch.Detail);
    }

    [Fact]
    public void A_payment_for_an_order_number_the_shop_never_issued_is_named_but_not_repairable()
    {
        var mismatch = Assert.Single(StatementMatcher.Match([Payment("OTHERAPP1", 10.00m)], Books([])).Mismatches);

        Assert.Equal((MismatchKind.PaidAtAlipayOnly, false), (mismatch.Kind, mismatch.OrderKnown));
        Assert.Contains("本地没有这个订单号", mismatch.Detail);
    }

    [Fact]
    public void An_order_paid_here_that_the_statement_lacks_is_paid_here_only()
    {
        var mismatch = Assert.Single(StatementMatcher.Match([], Books([Paid("C", 99.00m)])).Mismatches);

        Assert.Equal((MismatchKind.PaidHereOnly, (decimal?)null, 99.00m), (mismatch.Kind, mismatch.AlipayAmount, mismatch.ShopAmount));
    }

    [Fact]
    public void The_same_payment_for_different_amounts_is_an_amount_difference()
    {
        var mismatch = Assert.Single(StatementMatcher.Match([Payment("D", 100.00m)], Books([Paid("D", 99.00m)])).Mismatches);

        Assert.Equal((MismatchKind.AmountDiffers, 100.00m, 99.00m), (mismatch.Kind, mismatch.AlipayAmount, mismatch.ShopAmount));
        Assert.Equal("支付宝收款 100.00 元，本地订单金额 99.00 元", mismatch.Detail);
    }

    public static TheoryData<string, string> RefundDifferences => new()
    {
        { "refunded at alipay only", "本地没有这笔退款记录" },
        { "refunded here only", "支付宝当日账单中没有这笔退款" },
        { "refunded for another amount", "支付宝退款 59.00 元，本地退款记录 50.00 元" },
        { "still pending here", "本地这笔退款仍为处理中" },
    };

    [Theory]
    [MemberData(nameof(RefundDifferences))]
    public void A_refund_one_side_lacks_or_has_otherwise_is_a_refund_difference(string situation, string expected)
    {
        var paid = Paid("E", 198.00m);
        var result = situation switch
        {
            "refunded at alipay only" => StatementMatcher.Match([Payment("E", 198.00m), Refund("E", 59.00m, "E_R9")], Books([paid])),
            "refunded here only" => StatementMatcher.Match([Payment("E", 198.00m)], Books([paid], [Refunded("E_R1", "E", 59.00m)])),
            "refunded for another amount" => StatementMatcher.Match([Payment("E", 198.00m), Refund("E", 59.00m, "E_R1")], Books([paid], [Refunded("E_R1", "E", 50.00m)])),
            _ => StatementMatcher.Match([Payment("E", 198.00m), Refund("E", 59.00m, "E_R1")], Books([paid], otherRefunds: [Refunded("E_R1", "E", 59.00m, RefundStatus.Pending)])),
        };

        var mismatch = Assert.Single(result.Mismatches);
        Assert.Equal(MismatchKind.RefundDiffers, mismatch.Kind);
        Assert.Contains(expected, mismatch.Detail);
        Assert.Equal(1, result.Matched); // the payment itself
    }

    [Fact]
    public void A_refund_sent_without_a_request_number_is_keyed_by_the_order_number_as_alipay_does()
    {
        var result = StatementMatcher.Match([Payment("F", 10.00m), Refund("F", 10.00m, null)], Books([Paid("F", 10.00m)], [Refunded("F", "F", 10.00m)]));

        Assert.Empty(result.Mismatches);
    }

    [Fact]
    public void Rows_of_other_business_types_count_as_rows_and_are_left_alone()
    {
        var other = Payment("G", 5.00m) with { BusinessType = "转账" };

        var result = StatementMatcher.Match([other], Books([]));

        Assert.Equal((1, 0, 0m), (result.StatementRows, result.Matched, result.AlipayIncome));
        Assert.Empty(result.Mismatches);
    }
}
