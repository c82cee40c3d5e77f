using Microsoft.Extensions.Options;

namespace LuffyBlazor.Common;

/// <summary>
/// A configuration the app refuses to start with (options validation: a missing key, a wrong URL, a weak key). An
/// operator needs the messages, each naming its key, not a stack trace, and a service manager needs exit code 1, not
/// the runtime's abort (134, a "crash" with a core dump). Hosted by the tests, the exception reaches them as usual.
/// </summary>
public static class StartupRefusal
{
    /// <summary>Prints a refusal that would end the process as an unhandled exception and exits with code 1 instead.</summary>
    public static void ExitCleanlyOnRefusal()
    {
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            if (e.ExceptionObject is Exception exception && Failures(exception) is { Count: > 0 } failures)
            {
                Console.Error.WriteLine(Describe(failures));
                Console.Error.Flush();
                Environment.Exit(1);
            }
        };
    }

    public static string Describe(IReadOnlyList<string> failures) =>
        "LuffyBlazor did not start: the configuration is not valid. Nothing was changed. Fix these settings and start again:"
        + string.Concat(failures.Select(f => Environment.NewLine + "  - " + f));

    /// <summary>Every options failure in <paramref name="exception"/> (several options types fail as an aggregate); empty for anything else.</summary>
    public static IReadOnlyList<string> Failures(Exception exception) => exception switch
    {
        OptionsValidationException options => options.Failures.ToList(),
        AggregateException aggregate when aggregate.InnerExceptions.All(e => e is OptionsValidationException) =>
            aggregate.InnerExceptions.SelectMany(e => ((OptionsValidationException)e).Failures).ToList(),
        _ => [],
    };
}
