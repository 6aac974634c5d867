using System.Text.Json.Nodes;
using SuccessBot.Core.Chat;
using SuccessBot.Slack;

namespace SuccessBot.Tests.Slack;

public static class BlockKitLimits
{
    private static IEnumerable<string> Texts(JsonNode node) => node switch
    {
        JsonObject o => o.SelectMany(p => p.Key == "text" && p.Value is JsonValue v ? [v.GetValue<string>()] : p.Value is null ? [] : Texts(p.Value)),
        JsonArray a => a.SelectMany(i => i is null ? [] : Texts(i)),
        _ => [],
    };

    /// <summary>Slack's limits on a message's blocks: their number, each text's length, fields per section, buttons per block and their labels.</summary>
    public static void Check(JsonArray blocks)
    {
        Assert.InRange(blocks.Count, 1, BlockKit.MessageBlocks);
        Assert.All(Texts(blocks), t => Assert.True(t.Length <= BlockKit.SectionText, $"{t.Length} characters"));
        Assert.True(blocks[0]!["text"]!["text"]!.GetValue<string>().Length <= BlockKit.HeaderText);
        Assert.All(blocks.Where(b => b!["fields"] is not null), b => Assert.InRange(b!["fields"]!.AsArray().Count, 1, BlockKit.FieldsPerSection));
        Assert.All(blocks.Where(b => b!["fields"] is not null).SelectMany(b => b!["fields"]!.AsArray()),
            f => Assert.True(f!["text"]!.GetValue<string>().Length <= BlockKit.FieldText));
        Assert.All(blocks.Where(b => b!["type"]!.GetValue<string>() == "actions"), b => Assert.InRange(b!["elements"]!.AsArray().Count, 1, BlockKit.ButtonsPerBlock));
        Assert.All(blocks.Where(b => b!["type"]!.GetValue<string>() == "actions").SelectMany(b => b!["elements"]!.AsArray()),
            button => Assert.True(button!["text"]!["text"]!.GetValue<string>().Length <= BlockKit.ButtonText));
    }

}

public class BlockKitTests
{
    [Fact]
    public void A_huge_reply_stays_inside_Slacks_limits_and_says_how_much_was_left_out()
    {
        var reply = new Reply(new string('T', 400))
        {
            Summary = new string('s', 5000),
            Facts = Enumerable.Range(1, 25).Select(i => new Fact($"Fact {i}", new string('v', 2500))).ToArray(),
            Sections = Enumerable.Range(1, 60).Select(i => new ReplySection($"Section {i}", Enumerable.Range(1, 400).Select(l => $"line {l} of a long list").ToArray(), More: 5)).ToArray(),
            Buttons = Enumerable.Range(1, 30).Select(i => new ReplyButton(new string('b', 100) + i, "nudge.snooze", "key")).ToArray(),
            Note = "a note",
        };

        var message = BlockKit.Message(reply);
        var blocks = message["blocks"]!.AsArray();

        Assert.Equal(BlockKit.MessageBlocks, blocks.Count);
        Assert.Equal("actions", blocks[^1]!["type"]!.GetValue<string>());
        Assert.Equal("actions", blocks[^2]!["type"]!.GetValue<string>());
        Assert.Contains("more part(s) not shown", blocks[^3]!.ToJsonString());
        BlockKitLimits.Check(blocks);
        // 400 lines do not fit in 3,000 characters: the rest are counted with the 5 the core left out.
        Assert.Matches(@"… and \d{3} more$", blocks.First(b => b!.ToJsonString().Contains("Section 1*"))!["text"]!["text"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("ru", 34, "… и ещё 5 строк")]
    [InlineData("ru", 50, "… и ещё 21 строка")]
    [InlineData("ru", 31, "… и ещё 2 строки")]
    [InlineData("de", 34, "… und 5 weitere")]
    [InlineData("en", 30, "… and 1 more")]
    public void A_list_cut_to_3000_characters_says_how_many_lines_are_left_in_the_readers_words(string language, int lines, string cut)
    {
        var reader = new Core.Language.Reader(SuccessBot.Settings.Texts, Core.Language.Languages.Match(language)!);
        // 29 lines of 98 characters fit in a section's 3,000 with room for the cut line.
        var reply = new Reply("Список") { Sections = [new ReplySection("H", Enumerable.Range(1, lines).Select(l => new string('x', 98)).ToArray())] }.CutIn(reader);

        var section = BlockKit.Message(reply)["blocks"]!.AsArray()[1]!["text"]!["text"]!.GetValue<string>();

        Assert.EndsWith("\n" + cut, section);
    }

    [Fact]
    public void A_reply_cut_to_50_blocks_says_how_many_parts_are_left_in_the_readers_words()
    {
        var russian = new Core.Language.Reader(SuccessBot.Settings.Texts, Core.Language.Languages.Match("ru")!);
        var reply = new Reply("Много") { Sections = Enumerable.Range(1, 60).Select(i => new ReplySection($"Раздел {i}", ["строка"])).ToArray() }.CutIn(russian);

        var blocks = BlockKit.Message(reply)["blocks"]!.AsArray();

        Assert.Equal(BlockKit.MessageBlocks, blocks.Count);
        Assert.Equal("… и ещё 12 частей, которые здесь не показаны.", blocks[^1]!["elements"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void Text_is_escaped_for_mrkdwn_and_backticks_stay_code()
    {
        var blocks = BlockKit.Blocks(new Reply("A & B") { Summary = "Try `churn last month` <now>" }, BlockKit.MessageBlocks);

        Assert.Equal("Try `churn last month` &lt;now&gt;", blocks[1]!["text"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void A_button_value_carries_its_questions_and_anything_else_is_not_ours()
    {
        var inputs = new[] { new ReplyInput("reason", "Reason", ["price", "other"], Optional: false) };
        var encoded = new ButtonValue("nudge-key", inputs).Encode();

        var decoded = ButtonValue.Decode(encoded)!;

        Assert.Equal("nudge-key", decoded.Value);
        Assert.Equal(["price", "other"], decoded.Inputs.Single().Choices!);
        Assert.Null(ButtonValue.Decode("nudge-key"));
        Assert.Null(ButtonValue.Decode("{\"other\":1}"));
    }

    [Fact]
    public void The_modal_asks_each_question_with_a_select_for_choices()
    {
        var modal = BlockKit.Modal("Mark churned, with a very long title", [new("reason", "Reason", ["price", "other"], Optional: false), new("note", "Note")], "meta");

        Assert.True(modal["title"]!["text"]!.GetValue<string>().Length <= BlockKit.ModalTitle);
        Assert.Equal("static_select", modal["blocks"]![0]!["element"]!["type"]!.GetValue<string>());
        Assert.False(modal["blocks"]![0]!["optional"]!.GetValue<bool>());
        Assert.Equal("plain_text_input", modal["blocks"]![1]!["element"]!["type"]!.GetValue<string>());
    }
}
