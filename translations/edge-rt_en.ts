<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>Run</name>
    <message>
        <source>reached the token limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the model ended the story</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the context is full</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reached a stop string</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Strategy</name>
    <message>
        <source>Sequential</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Greedy grouping</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Speculative prefetch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One layer per group; each streamed layer is read just before it computes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>As few groups as fit the budget: fewer, larger reads.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The next streamed group is read on a worker while the current one computes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Auto</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A cost model picks one of the three for the budget from this machine&apos;s measured memory and disk read speed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Auto chose %1: every weight stays resident, so the fewest groups</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Auto chose %1: predicted %2 tokens/s (memory %3 GB/s, disk %4 GB/s)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Thermal</name>
    <message>
        <source>no sensor: policy inactive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>hold</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>fewer threads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>more threads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cool-down pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>hard pause</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Units</name>
    <message>
        <source>%1 B</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 KiB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 MiB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 GiB</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>edgert::qt::EngineBridge</name>
    <message>
        <source>Stop the running generation before opening another model.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open the model %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unknown partition strategy &quot;%1&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Planning failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The thermal policy is disabled: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No model is open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A generation is already running.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The generation failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unknown weight-read mode &quot;%1&quot; (auto, direct or buffered).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>edgert::ui::BudgetSlider</name>
    <message>
        <source>Smaller budget</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Larger budget</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Memory budget</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Budget</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 % of full size</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Minimum %1 for %n token(s) of context</source>
        <translation>
            <numerusform>Minimum %1 for %n token of context</numerusform>
            <numerusform>Minimum %1 for %n tokens of context</numerusform>
        </translation>
    </message>
    <message>
        <source>Minimum %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 · every weight resident from %2 · steps of %3</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>edgert::ui::ChatPage</name>
    <message>
        <source>Message — tap here to type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Context used</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>context: no model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopping after the current layer group…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New conversation: the model or its plan changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2 tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tell me a story.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What can you do?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Once upon a time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model is answering…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New conversation.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The context is full: start a new chat.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>The context was full: the %n oldest turn(s) were forgotten.</source>
        <translation>
            <numerusform>The context was full: the oldest turn was forgotten.</numerusform>
            <numerusform>The context was full: the %n oldest turns were forgotten.</numerusform>
        </translation>
    </message>
    <message>
        <source>No chat template: plain User/Assistant format</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Template: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reused %1 · prefilled %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a model on the Plan page to chat.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type a message or tap a suggestion. The model answers turn by turn and keeps the conversation in its KV cache.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What happened next?</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>edgert::ui::MainWindow</name>
    <message>
        <source>edge-rt dashboard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>edge-rt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Monitor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Live monitor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Partition plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run a prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Light</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Switch to the light theme</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Switch to the dark theme</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Running · %1 tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Running…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Planning…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ready</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chat with the model</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>edgert::ui::MonitorPage</name>
    <message>
        <source>CPU load</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CPU frequency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>total</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Measuring…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CPU load needs two readings, half a second apart.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>system used</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>this process</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>budget</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>hottest sensor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>soft limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>hard limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>core %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%1 all cores · thin lines: each of %n core(s)</source>
        <translation>
            <numerusform>%1 all cores · thin lines: each of %n core</numerusform>
            <numerusform>%1 all cores · thin lines: each of %n cores</numerusform>
        </translation>
    </message>
    <message>
        <source>CPU %1 %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CPU load is not available</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>system GiB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>system MiB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>process MiB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 MiB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 system used %2 this process %3 budget</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Memory use is not available</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 °C</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No temperature sensor on this machine</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 MHz</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>one line per core</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>one line per core · maximum %1 MHz</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No CPU frequency scaling on this machine</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>under-voltage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>frequency capped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>throttled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>soft temperature limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Raspberry Pi firmware reports: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 soft limit %2 °C %3 hard limit %4 °C (thermal policy)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No CPU time passed between the last two readings (the counters did not advance).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No thermal zone in %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No CPU frequency scaling (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No core reports its current frequency.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not a Raspberry Pi (no firmware throttling flags).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The thermal policy stays inactive. %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Virtual machines usually have none. %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CPU unknown (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%1 (%n CPU(s))</source>
        <translation>
            <numerusform>%1 (%n CPU)</numerusform>
            <numerusform>%1 (%n CPUs)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Runs on: %1 kernels · %n thread(s) · %2</source>
        <translation>
            <numerusform>Runs on: %1 kernels · %n thread · %2</numerusform>
            <numerusform>Runs on: %1 kernels · %n threads · %2</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>edgert::ui::PlanPage</name>
    <message>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A generation is running: the plan is fixed until it ends.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No model open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Planning…</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n group(s)</source>
        <translation>
            <numerusform>%n group</numerusform>
            <numerusform>%n groups</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 pinned, %2 streamed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 read per token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no disk reads while generating</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>prefetch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>peak %1 of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%1, %n layer(s), dimension %2</source>
        <translation>
            <numerusform>%1, %n layer, dimension %2</numerusform>
            <numerusform>%1, %n layers, dimension %2</numerusform>
        </translation>
    </message>
    <message>
        <source>Tap a group to see its layers and tensors.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Group %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pinned: read once, stays in memory.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Streamed: read from disk for every token.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layer %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>LM head</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 needs at least %2: planned with %2 instead of your %3 (switching back restores it).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 keeps every weight resident from %2: planned with %2 instead of your %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of weights: %2 in layer groups, %3 token embedding (read a row per token from the file, never pinned)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of weights, all in layer groups</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>KV cache for %n token(s) of context</source>
        <translation>
            <numerusform>KV cache for %n token of context</numerusform>
            <numerusform>KV cache for %n tokens of context</numerusform>
        </translation>
    </message>
    <message>
        <source>Open a model: a GGUF or SafeTensors file, or a HF model folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Models: GGUF, SafeTensors, HF folders (*.gguf *.safetensors *.safetensors.index.json config.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GGUF files (*.gguf)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SafeTensors files (*.safetensors *.safetensors.index.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>HF model folders: their config.json (config.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>edgert::ui::PlanView</name>
    <message>
        <source>Open a model to see its plan.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Head</source>
        <comment>LM head, short</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>LM head</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>L%1</source>
        <comment>layer, short</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layer %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>KV cache %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>KV</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>scratch %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>scratch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>G%1 %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>G%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>streaming buffers %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>streaming</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>free</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>G%1 · pinned · %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>G%1 · streamed · %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pinned: stays in memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>streamed: read per token</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>edgert::ui::RunPage</name>
    <message>
        <source>Prompt — leave empty and the model starts a story</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Max tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>greedy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Generated text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The generated text appears here, token by token.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>prefill tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>decode tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>first token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pool now / peak</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopping after the current layer group…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Running %1 with a %2 budget…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Stopped after %n token(s).</source>
        <translation>
            <numerusform>Stopped after %n token.</numerusform>
            <numerusform>Stopped after %n tokens.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Done: %1 · %n token(s).</source>
        <translation>
            <numerusform>Done: %1 · %n token.</numerusform>
            <numerusform>Done: %1 · %n tokens.</numerusform>
        </translation>
    </message>
    <message>
        <source>Loaded in %1 ms, %2 read from disk; every pool byte returned.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loaded in %1 ms, %2 read from disk; %3 still leased from the pool!</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This model has random weights (edge-rt synth): its text is meaningless. Use it to measure speed and memory.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Running %1 (chosen by Auto) with a %2 budget…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Weights read with O_DIRECT (no page-cache copy).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Weights read through the page cache.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>O_DIRECT was refused here: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>edgert::ui::Stepper</name>
    <message>
        <source>Decrease %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Increase %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>edgert::ui::TimelineView</name>
    <message>
        <source>load (disk read)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>load on prefetch worker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>compute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>overlap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pass %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>thermal policy: no sensor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>thermal policy: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run a prompt to see when each layer group loads and computes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>G%1 pinned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>G%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
