namespace LuffyBlazor.Features.Payments.Simulator;

/// <summary>A trade's fault switches for its payment notify, all of them (what the console saves).</summary>
public sealed record NotifyFaults(NotifyFault Fault, int Copies, TimeSpan Delay, bool TamperAmount, bool TamperSignature);

/// <summary>
/// The switches the buyer changed at the cashier; null leaves the trade's setting as it is. The console's settings
/// stand unless the buyer changed that switch: a cashier page opened before a console change must not undo it.
/// </summary>
public sealed record NotifyFaultChanges(
    NotifyFault? Fault = null, int? Copies = null, TimeSpan? Delay = null, bool? TamperAmount = null, bool? TamperSignature = null)
{
    public void ApplyTo(SimulatorTrade trade)
    {
        var faults = Over(trade.Faults);
        (trade.NotifyFault, trade.NotifyCopies, trade.NotifyDelay, trade.TamperAmount, trade.TamperSignature) =
            (faults.Fault, faults.Copies, faults.Delay, faults.TamperAmount, faults.TamperSignature);
    }

    /// <summary>The switches as they stand after these changes (the simulators' trades keep the same five).</summary>
    public NotifyFaults Over(NotifyFaults current) => new(
        Fault ?? current.Fault, Copies ?? current.Copies, Delay ?? current.Delay,
        TamperAmount ?? current.TamperAmount, TamperSignature ?? current.TamperSignature);
}

/// <summary>
/// Reads the switches of <see cref="Pages.FaultFields"/> from a posted form. The cashier's copy also carries each
/// switch as the page showed it (<c>shown_*</c>), so that only what the buyer changed is applied.
/// </summary>
public static class NotifyFaultForm
{
    public const string ShownPrefix = "shown_";

    /// <summary>The console's form: the trade's settings, whole.</summary>
    public static NotifyFaults Read(IFormCollection form) => new(
        Fault(form["fault"]), Copies(form["copies"]), Delay(form["delay"]), form["tamper_amount"] == "true", form["tamper_signature"] == "true");

    /// <summary>The cashier's form: a switch counts when its value differs from the one shown (or none was shown).</summary>
    public static NotifyFaultChanges ReadChanges(IFormCollection form) => new(
        Changed(form, "fault") ? Fault(form["fault"]) : null,
        Changed(form, "copies") ? Copies(form["copies"]) : null,
        Changed(form, "delay") ? Delay(form["delay"]) : null,
        CheckboxChanged(form, "tamper_amount") ? form["tamper_amount"] == "true" : null,
        CheckboxChanged(form, "tamper_signature") ? form["tamper_signature"] == "true" : null);

    private static NotifyFault Fault(string? value) =>
        Enum.TryParse<NotifyFault>(value, out var fault) && Enum.IsDefined(fault) ? fault : NotifyFault.Normal;

    private static int Copies(string? value) => int.TryParse(value, out var copies) ? Math.Clamp(copies, 1, 100) : 2;

    private static TimeSpan Delay(string? value) => TimeSpan.FromSeconds(int.TryParse(value, out var delay) ? Math.Clamp(delay, 1, 86_400) : 30);

    private static bool Changed(IFormCollection form, string field) =>
        form.TryGetValue(field, out var posted) && (!form.TryGetValue(ShownPrefix + field, out var shown) || posted.ToString() != shown.ToString());

    // An unticked checkbox is not posted at all: with the shown value, absence means "off"; without it, "unchanged".
    private static bool CheckboxChanged(IFormCollection form, string field) =>
        form.TryGetValue(ShownPrefix + field, out var shown) ? (form[field] == "true") != (shown == "true") : form.ContainsKey(field);
}
