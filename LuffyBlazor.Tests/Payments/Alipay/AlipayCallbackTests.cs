using LuffyBlazor.Features.Payments;
using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Tests.Infrastructure;

namespace LuffyBlazor.Tests.Payments.Alipay;

/// <summary>The async notify and the return query: typed, verified, and never an exception for garbage.</summary>
public sealed class AlipayCallbackTests
{
    private static readonly AlipayCallbacks Callbacks = new(AlipayTestKeys.Credentials());

    private static List<KeyValuePair<string, string>> VectorForm() =>
        AlipayTestKeys.Vectors.GetProperty("notify").GetProperty("form").EnumerateObject()
            .Select(p => KeyValuePair.Create(p.Name, p.Value.GetString()!)).ToList();

    private static List<KeyValuePair<string, string>> With(List<KeyValuePair<string, string>> form, string key, string? value)
    {
        form.RemoveAll(p => p.Key == key);
        if (value is not null)
        {
            form.Add(KeyValuePair.Create(key, value));
        }

        return form;
    }

    [Fact]
    public void The_notify_vector_is_valid_and_parsed_into_typed_fields()
    {
        var verdict = Callbacks.VerifyNotify(VectorForm());

        Assert.True(verdict.IsValid, verdict.Reason);
        var n = verdict.Notification!;
        Assert.Equal(("20261125163005A1B2C3D4E5F60718293A4B5C", "2026112522001446870500012345", "TRADE_SUCCESS"), (n.OutTradeNo, n.TradeNo, n.TradeStatus));
        Assert.Equal(0.01m, n.TotalAmount);
        Assert.Equal(DateTimeOffset.Parse("2026-11-25T08:31:10Z"), n.GmtPayment);
        Assert.Equal(("2021000000000042", "2088102177649450", "2088102177846875"), (n.AppId, n.SellerId, n.BuyerId));
        Assert.Equal("路飞学城-Go 语言 & Linux=运维+实战", n.Subject);
        Assert.Equal("2026112500222163111046870512345678", n.NotifyId);
    }

    [Fact]
    public void The_notify_vector_in_the_shops_terms_carries_what_the_shop_decides_on()
    {
        var form = VectorForm();

        var payment = Callbacks.VerifyNotify(form).Notification!.ToPaymentNotification(form);

        Assert.Equal(new PaymentNotification(
            "2021000000000042", "20261125163005A1B2C3D4E5F60718293A4B5C", "2026112500222163111046870512345678", "TRADE_SUCCESS", TradeState.Paid,
            "2026112522001446870500012345", 0.01m, DateTimeOffset.Parse("2026-11-25T08:31:10Z"), "2088102177846875", null, "2088102177649450"), payment);
    }

    [Theory]
    [InlineData("TRADE_SUCCESS", TradeState.Paid)]
    [InlineData("TRADE_FINISHED", TradeState.Paid)]
    [InlineData("WAIT_BUYER_PAY", TradeState.WaitingForBuyer)]
    [InlineData("TRADE_CLOSED", TradeState.Closed)]
    [InlineData("TRADE_PENDING", TradeState.Unknown)]
    [InlineData(null, TradeState.Unknown)]
    public void Each_trade_status_maps_to_the_shops_trade_state(string? tradeStatus, TradeState state)
    {
        Assert.Equal(state, AlipayTradeStatus.ToTradeState(tradeStatus));
    }

    [Fact]
    public void An_empty_identifier_reaches_the_shop_as_it_arrived_and_a_refund_fee_as_the_refunded_total()
    {
        var form = With(With(VectorForm(), "notify_id", ""), "refund_fee", "0.01");

        var payment = Callbacks.VerifyNotify(form).Notification!.ToPaymentNotification(form);

        Assert.Equal("", payment.NotifyId);
        Assert.Equal(0.01m, payment.RefundedTotal);
    }

    public static TheoryData<string, Func<List<KeyValuePair<string, string>>, List<KeyValuePair<string, string>>>, string> Invalid => new()
    {
        { "amount changed", f => With(f, "total_amount", "100.00"), "does not verify" },
        { "no sign", f => With(f, "sign", null), "missing sign" },
        { "sign of garbage", f => With(f, "sign", "%%%"), "does not verify" },
        { "a field added", f => With(f, "refund_fee", "0.01"), "does not verify" },
        { "downgrade to SHA1", f => With(f, "sign_type", "RSA"), "RSA (SHA1) refused" },
        { "unknown sign type", f => With(f, "sign_type", "SM2"), "unsupported sign_type" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void A_notify_that_was_tampered_with_is_invalid_with_a_reason(string why, Func<List<KeyValuePair<string, string>>, List<KeyValuePair<string, string>>> change, string reason)
    {
        var verdict = Callbacks.VerifyNotify(change(VectorForm()));

        Assert.False(verdict.IsValid, why);
        Assert.Contains(reason, verdict.Reason);
        Assert.Equal("20261125163005A1B2C3D4E5F60718293A4B5C", verdict.Notification!.OutTradeNo); // still there for the log
    }

    [Fact]
    public void A_notify_with_an_empty_parameter_verifies_only_with_that_parameter_in_the_sign_string()
    {
        var form = With(With(VectorForm(), "sign", null), "passback_params", "");
        var keptEmpty = new List<KeyValuePair<string, string>>(form)
        {
            KeyValuePair.Create("sign", AlipaySignature.Sign(AlipaySignature.BuildCallbackSignContent(form, false), AlipayTestKeys.AlipayPrivateKey)),
        };
        var droppedEmpty = new List<KeyValuePair<string, string>>(form)
        {
            KeyValuePair.Create("sign", AlipaySignature.Sign(AlipaySignature.BuildSignContent(form, false), AlipayTestKeys.AlipayPrivateKey)),
        };

        Assert.True(Callbacks.VerifyNotify(keptEmpty).IsValid, Callbacks.VerifyNotify(keptEmpty).Reason);
        Assert.False(Callbacks.VerifyNotify(droppedEmpty).IsValid);
        // Nor can an empty parameter be slipped into a genuine notify.
        Assert.False(Callbacks.VerifyNotify(With(VectorForm(), "passback_params", "")).IsValid);
    }

    [Fact]
    public void A_notify_signed_with_sign_type_included_verifies_on_the_second_try()
    {
        var form = With(VectorForm(), "sign", null);
        var content = AlipaySignature.BuildSignContent(form, keepSignType: true);
        form.Add(KeyValuePair.Create("sign", AlipaySignature.Sign(content, AlipayTestKeys.AlipayPrivateKey)));

        Assert.True(Callbacks.VerifyNotify(form).IsValid);
    }

    [Fact]
    public void Legacy_accounts_verify_sha1_notifies()
    {
        var legacy = new AlipayCallbacks(AlipayTestKeys.Credentials("RSA"));
        var form = With(With(VectorForm(), "sign", null), "sign_type", "RSA");
        form.Add(KeyValuePair.Create("sign", AlipaySignature.Sign(AlipaySignature.BuildSignContent(form, false), AlipayTestKeys.AlipayPrivateKey, AlipaySignType.RSA)));

        Assert.True(legacy.VerifyNotify(form).IsValid);
        Assert.False(Callbacks.VerifyNotify(form).IsValid);
    }

    [Theory]
    [InlineData("total_amount", "ninety-nine", "total_amount 'ninety-nine' is not an amount")]
    [InlineData("total_amount", "1.005", "is not an amount")]
    [InlineData("gmt_payment", "yesterday", "gmt_payment 'yesterday' is not a time")]
    public void A_correctly_signed_notify_with_a_malformed_value_is_invalid(string key, string value, string reason)
    {
        var form = With(With(VectorForm(), "sign", null), key, value);
        form.Add(KeyValuePair.Create("sign", AlipaySignature.Sign(AlipaySignature.BuildSignContent(form, false), AlipayTestKeys.AlipayPrivateKey)));

        var verdict = Callbacks.VerifyNotify(form);

        Assert.False(verdict.IsValid);
        Assert.Contains(reason, verdict.Reason);
    }

    [Fact]
    public void An_empty_form_is_invalid_not_an_exception()
    {
        var verdict = Callbacks.VerifyNotify([]);

        Assert.False(verdict.IsValid);
        Assert.Null(verdict.Notification!.OutTradeNo);
    }

    [Fact]
    public void A_signed_return_query_is_valid_and_typed()
    {
        var query = new List<KeyValuePair<string, string>>
        {
            new("charset", "utf-8"), new("out_trade_no", "T20261125"), new("method", "alipay.trade.page.pay.return"),
            new("total_amount", "198.00"), new("trade_no", "2026112522001446870500012345"), new("auth_app_id", AlipayTestKeys.AppId),
            new("version", "1.0"), new("app_id", AlipayTestKeys.AppId), new("seller_id", "2088102177649450"), new("timestamp", "2026-11-25 16:31:12"),
        };
        query.Add(new("sign", AlipaySignature.Sign(AlipaySignature.BuildSignContent(query, false), AlipayTestKeys.AlipayPrivateKey)));
        query.Add(new("sign_type", "RSA2"));

        var verdict = Callbacks.VerifyReturn(query);
        var forged = Callbacks.VerifyReturn(With([.. query], "total_amount", "0.01"));

        Assert.True(verdict.IsValid, verdict.Reason);
        Assert.Equal((198.00m, "T20261125"), (verdict.Notification!.TotalAmount, verdict.Notification.OutTradeNo));
        Assert.Equal(DateTimeOffset.Parse("2026-11-25T08:31:12Z"), verdict.Notification.Timestamp);
        Assert.False(forged.IsValid);
    }
}
