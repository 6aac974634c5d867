using System.CommandLine;
using SuccessBot.Sync;

namespace SuccessBot.Cli;

/// <summary>`sync stripe [--full]`: the accounts from the systems of record, into the store.</summary>
public static class SyncVerbs
{
    public static Command Build()
    {
        var sync = new Command("sync", "Reads accounts from a system of record (Stripe for billing, HubSpot for the CRM) into the store.");
        var full = new Option<bool>("--full") { Description = "Read every customer again, not only what changed since the last sync." };
        var store = Verbs.StoreOption();
        var stripe = new Command("stripe", "Customers and subscriptions from Stripe (Stripe:ApiKey, a restricted read-only key) as accounts: MRR, start, cancellation and renewal.") { full, store };
        stripe.SetAction(async (parse, cancel) =>
        {
            var config = Settings.Load(parse.GetValue(store));
            using var services = Host.Composition.ForCommandLine(config, loadBook: false);
            if (!services.GetRequiredService<StripeSettings>().CanSync)
            {
                Console.Error.WriteLine("sync stripe: Stripe:ApiKey is not set (a restricted key with read access to customers, subscriptions, coupons and events).");
                return Verbs.UsageError;
            }
            try
            {
                var report = await services.GetRequiredService<StripeSync>().RunAsync(parse.GetValue(full), cancel);
                Console.WriteLine(TerminalText.Escape(report.ToString()));
                Console.WriteLine($"Stored in {services.GetRequiredService<Host.StoreDescription>().Where}.");
                return report.Refused.Count == 0 ? 0 : Verbs.Failure;
            }
            catch (SyncFailed failed)
            {
                Console.Error.WriteLine($"sync stripe stopped: {TerminalText.Escape(failed.Message)}. The pages before it are stored; run it again to go on.");
                return Verbs.Failure;
            }
        });
        sync.Subcommands.Add(stripe);
        var hubFull = new Option<bool>("--full") { Description = "Read every company again, not only those modified since the last sync." };
        var hubStore = Verbs.StoreOption();
        var hubSpot = new Command("hubspot", "Companies from HubSpot (HubSpot:Token, a private app's) onto the accounts they match: owner, contacts, segment, renewal.") { hubFull, hubStore };
        hubSpot.SetAction(async (parse, cancel) =>
        {
            using var services = Host.Composition.ForCommandLine(Settings.Load(parse.GetValue(hubStore)), loadBook: false);
            if (!services.GetRequiredService<HubSpotSettings>().CanSync)
            {
                Console.Error.WriteLine("sync hubspot: HubSpot:Token is not set (a private app's token with crm.objects.companies.read, crm.objects.contacts.read, crm.objects.owners.read).");
                return Verbs.UsageError;
            }
            try
            {
                var report = await services.GetRequiredService<HubSpotSync>().RunAsync(parse.GetValue(hubFull), cancel);
                Console.WriteLine(TerminalText.Escape(report.ToString()));
                return report.Refused.Count == 0 ? 0 : Verbs.Failure;
            }
            catch (SyncFailed failed)
            {
                Console.Error.WriteLine($"sync hubspot stopped: {TerminalText.Escape(failed.Message)}. The pages before it are stored; run it again to go on.");
                return Verbs.Failure;
            }
        });
        sync.Subcommands.Add(hubSpot);
        return sync;
    }
}
