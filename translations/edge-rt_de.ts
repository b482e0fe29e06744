<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>Run</name>
    <message>
        <source>reached the token limit</source>
        <translation>Token-Grenze erreicht</translation>
    </message>
    <message>
        <source>the model ended the story</source>
        <translation>das Modell hat die Geschichte beendet</translation>
    </message>
    <message>
        <source>the context is full</source>
        <translation>der Kontext ist voll</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>angehalten</translation>
    </message>
    <message>
        <source>reached a stop string</source>
        <translation>Stoppzeichenfolge erreicht</translation>
    </message>
</context>
<context>
    <name>Strategy</name>
    <message>
        <source>Sequential</source>
        <translation>Sequenziell</translation>
    </message>
    <message>
        <source>Greedy grouping</source>
        <translation>Greedy-Gruppierung</translation>
    </message>
    <message>
        <source>Speculative prefetch</source>
        <translation>Spekulatives Vorladen</translation>
    </message>
    <message>
        <source>One layer per group; each streamed layer is read just before it computes.</source>
        <translation>Eine Schicht pro Gruppe; jede gestreamte Schicht wird direkt vor ihrer Berechnung gelesen.</translation>
    </message>
    <message>
        <source>As few groups as fit the budget: fewer, larger reads.</source>
        <translation>So wenige Gruppen wie ins Budget passen: weniger, größere Lesevorgänge.</translation>
    </message>
    <message>
        <source>The next streamed group is read on a worker while the current one computes.</source>
        <translation>Die nächste gestreamte Gruppe wird im Hintergrund gelesen, während die aktuelle rechnet.</translation>
    </message>
    <message>
        <source>Auto</source>
        <translation>Auto</translation>
    </message>
    <message>
        <source>A cost model picks one of the three for the budget from this machine&apos;s measured memory and disk read speed.</source>
        <translation>Ein Kostenmodell wählt für das Budget eine der drei aus dem gemessenen Speicher- und Lesetempo dieses Geräts.</translation>
    </message>
    <message>
        <source>Auto chose %1: every weight stays resident, so the fewest groups</source>
        <translation>Auto wählte %1: alle Gewichte bleiben im Speicher, also die wenigsten Gruppen</translation>
    </message>
    <message>
        <source>Auto chose %1: predicted %2 tokens/s (memory %3 GB/s, disk %4 GB/s)</source>
        <translation>Auto wählte %1: erwartet %2 Tokens/s (Speicher %3 GB/s, Platte %4 GB/s)</translation>
    </message>
</context>
<context>
    <name>Thermal</name>
    <message>
        <source>no sensor: policy inactive</source>
        <translation>kein Sensor: Richtlinie inaktiv</translation>
    </message>
    <message>
        <source>hold</source>
        <translation>halten</translation>
    </message>
    <message>
        <source>fewer threads</source>
        <translation>weniger Threads</translation>
    </message>
    <message>
        <source>more threads</source>
        <translation>mehr Threads</translation>
    </message>
    <message>
        <source>cool-down pause</source>
        <translation>Abkühlpause</translation>
    </message>
    <message>
        <source>hard pause</source>
        <translation>harte Pause</translation>
    </message>
</context>
<context>
    <name>Units</name>
    <message>
        <source>%1 B</source>
        <translation>%1 B</translation>
    </message>
    <message>
        <source>%1 KiB</source>
        <translation>%1 KiB</translation>
    </message>
    <message>
        <source>%1 MiB</source>
        <translation>%1 MiB</translation>
    </message>
    <message>
        <source>%1 GiB</source>
        <translation>%1 GiB</translation>
    </message>
</context>
<context>
    <name>edgert::qt::EngineBridge</name>
    <message>
        <source>Stop the running generation before opening another model.</source>
        <translation>Halten Sie die laufende Generierung an, bevor Sie ein anderes Modell öffnen.</translation>
    </message>
    <message>
        <source>Cannot open the model %1: %2</source>
        <translation>Das Modell %1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <source>Unknown partition strategy &quot;%1&quot;.</source>
        <translation>Unbekannte Partitionierungsstrategie „%1“.</translation>
    </message>
    <message>
        <source>Planning failed: %1</source>
        <translation>Planung fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>The thermal policy is disabled: %1</source>
        <translation>Die Temperaturrichtlinie ist abgeschaltet: %1</translation>
    </message>
    <message>
        <source>No model is open.</source>
        <translation>Es ist kein Modell geöffnet.</translation>
    </message>
    <message>
        <source>A generation is already running.</source>
        <translation>Es läuft bereits eine Generierung.</translation>
    </message>
    <message>
        <source>The generation failed: %1</source>
        <translation>Die Generierung ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Unknown weight-read mode &quot;%1&quot; (auto, direct or buffered).</source>
        <translation>Unbekannte Leseart für Gewichte „%1“ (auto, direct oder buffered).</translation>
    </message>
</context>
<context>
    <name>edgert::ui::BudgetSlider</name>
    <message>
        <source>Smaller budget</source>
        <translation>Kleineres Budget</translation>
    </message>
    <message>
        <source>Larger budget</source>
        <translation>Größeres Budget</translation>
    </message>
    <message>
        <source>Memory budget</source>
        <translation>Speicherbudget</translation>
    </message>
    <message>
        <source>Budget</source>
        <translation>Budget</translation>
    </message>
    <message>
        <source>%1 % of full size</source>
        <translation>%1 % der vollen Größe</translation>
    </message>
    <message numerus="yes">
        <source>Minimum %1 for %n token(s) of context</source>
        <translation>
            <numerusform>Minimum %1 für %n Token Kontext</numerusform>
            <numerusform>Minimum %1 für %n Token Kontext</numerusform>
        </translation>
    </message>
    <message>
        <source>Minimum %1</source>
        <translation>Minimum %1</translation>
    </message>
    <message>
        <source>%1 · every weight resident from %2 · steps of %3</source>
        <translation>%1 · alle Gewichte resident ab %2 · Schritte von %3</translation>
    </message>
</context>
<context>
    <name>edgert::ui::ChatPage</name>
    <message>
        <source>Message — tap here to type</source>
        <translation>Nachricht — zum Tippen hier antippen</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Nachricht</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stopp</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>Neuer Chat</translation>
    </message>
    <message>
        <source>Conversation</source>
        <translation>Unterhaltung</translation>
    </message>
    <message>
        <source>Context used</source>
        <translation>Belegter Kontext</translation>
    </message>
    <message>
        <source>context: no model</source>
        <translation>Kontext: kein Modell</translation>
    </message>
    <message>
        <source>Stopping after the current layer group…</source>
        <translation>Halte nach der aktuellen Schichtgruppe an …</translation>
    </message>
    <message>
        <source>%1 tokens/s</source>
        <translation>%1 Tokens/s</translation>
    </message>
    <message>
        <source>New conversation: the model or its plan changed.</source>
        <translation>Neue Unterhaltung: Modell oder Plan wurden geändert.</translation>
    </message>
    <message>
        <source>%1 of %2 tokens</source>
        <translation>%1 von %2 Tokens</translation>
    </message>
    <message>
        <source>Tell me a story.</source>
        <translation>Erzähl eine Geschichte.</translation>
    </message>
    <message>
        <source>What can you do?</source>
        <translation>Was kannst du?</translation>
    </message>
    <message>
        <source>Once upon a time</source>
        <translation>Es war einmal</translation>
    </message>
    <message>
        <source>The model is answering…</source>
        <translation>Das Modell antwortet …</translation>
    </message>
    <message>
        <source>New conversation.</source>
        <translation>Neue Unterhaltung.</translation>
    </message>
    <message>
        <source>The context is full: start a new chat.</source>
        <translation>Der Kontext ist voll: Starte einen neuen Chat.</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>Gestoppt.</translation>
    </message>
    <message numerus="yes">
        <source>The context was full: the %n oldest turn(s) were forgotten.</source>
        <translation>
            <numerusform>Der Kontext war voll: Die älteste Runde wurde vergessen.</numerusform>
            <numerusform>Der Kontext war voll: Die %n ältesten Runden wurden vergessen.</numerusform>
        </translation>
    </message>
    <message>
        <source>No chat template: plain User/Assistant format</source>
        <translation>Keine Chat-Vorlage: einfaches User/Assistant-Format</translation>
    </message>
    <message>
        <source>Template: %1</source>
        <translation>Vorlage: %1</translation>
    </message>
    <message>
        <source>reused %1 · prefilled %2</source>
        <translation>wiederverwendet %1 · vorab berechnet %2</translation>
    </message>
    <message>
        <source>Open a model on the Plan page to chat.</source>
        <translation>Öffne auf der Seite „Plan“ ein Modell, um zu chatten.</translation>
    </message>
    <message>
        <source>Type a message or tap a suggestion. The model answers turn by turn and keeps the conversation in its KV cache.</source>
        <translation>Schreib eine Nachricht oder tippe auf einen Vorschlag. Das Modell antwortet Zug um Zug und behält die Unterhaltung in seinem KV-Cache.</translation>
    </message>
    <message>
        <source>You</source>
        <translation>Du</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>What happened next?</source>
        <translation>Was geschah dann?</translation>
    </message>
</context>
<context>
    <name>edgert::ui::MainWindow</name>
    <message>
        <source>edge-rt dashboard</source>
        <translation>edge-rt-Dashboard</translation>
    </message>
    <message>
        <source>edge-rt</source>
        <translation>edge-rt</translation>
    </message>
    <message>
        <source>Monitor</source>
        <translation>Monitor</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>Plan</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Ausführen</translation>
    </message>
    <message>
        <source>Live monitor</source>
        <translation>Live-Monitor</translation>
    </message>
    <message>
        <source>Partition plan</source>
        <translation>Partitionsplan</translation>
    </message>
    <message>
        <source>Run a prompt</source>
        <translation>Prompt ausführen</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Hell</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Dunkel</translation>
    </message>
    <message>
        <source>Switch to the light theme</source>
        <translation>Zum hellen Design wechseln</translation>
    </message>
    <message>
        <source>Switch to the dark theme</source>
        <translation>Zum dunklen Design wechseln</translation>
    </message>
    <message>
        <source>Running · %1 tokens/s</source>
        <translation>Läuft · %1 Tokens/s</translation>
    </message>
    <message>
        <source>Running…</source>
        <translation>Läuft …</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>Kein Modell</translation>
    </message>
    <message>
        <source>Planning…</source>
        <translation>Plant …</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>Chat</translation>
    </message>
    <message>
        <source>Chat with the model</source>
        <translation>Mit dem Modell chatten</translation>
    </message>
</context>
<context>
    <name>edgert::ui::MonitorPage</name>
    <message>
        <source>CPU load</source>
        <translation>CPU-Last</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>Arbeitsspeicher</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>Temperatur</translation>
    </message>
    <message>
        <source>CPU frequency</source>
        <translation>CPU-Takt</translation>
    </message>
    <message>
        <source>total</source>
        <translation>gesamt</translation>
    </message>
    <message>
        <source>Measuring…</source>
        <translation>Messe …</translation>
    </message>
    <message>
        <source>CPU load needs two readings, half a second apart.</source>
        <translation>Die CPU-Last braucht zwei Messungen im Abstand von einer halben Sekunde.</translation>
    </message>
    <message>
        <source>system used</source>
        <translation>System belegt</translation>
    </message>
    <message>
        <source>this process</source>
        <translation>dieser Prozess</translation>
    </message>
    <message>
        <source>budget</source>
        <translation>Budget</translation>
    </message>
    <message>
        <source>hottest sensor</source>
        <translation>heißester Sensor</translation>
    </message>
    <message>
        <source>soft limit</source>
        <translation>weiche Grenze</translation>
    </message>
    <message>
        <source>hard limit</source>
        <translation>harte Grenze</translation>
    </message>
    <message>
        <source>core %1</source>
        <translation>Kern %1</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message numerus="yes">
        <source>%1 all cores · thin lines: each of %n core(s)</source>
        <translation>
            <numerusform>%1 alle Kerne · dünne Linie: der %n Kern</numerusform>
            <numerusform>%1 alle Kerne · dünne Linien: jeder der %n Kerne</numerusform>
        </translation>
    </message>
    <message>
        <source>CPU %1 %</source>
        <translation>CPU %1 %</translation>
    </message>
    <message>
        <source>CPU load is not available</source>
        <translation>CPU-Last ist nicht verfügbar</translation>
    </message>
    <message>
        <source>system GiB</source>
        <translation>System GiB</translation>
    </message>
    <message>
        <source>system MiB</source>
        <translation>System MiB</translation>
    </message>
    <message>
        <source>process MiB</source>
        <translation>Prozess MiB</translation>
    </message>
    <message>
        <source>%1 MiB</source>
        <translation>%1 MiB</translation>
    </message>
    <message>
        <source>%1 system used %2 this process %3 budget</source>
        <translation>%1 System belegt %2 dieser Prozess %3 Budget</translation>
    </message>
    <message>
        <source>Memory use is not available</source>
        <translation>Die Speicherbelegung ist nicht verfügbar</translation>
    </message>
    <message>
        <source>%1 °C</source>
        <translation>%1 °C</translation>
    </message>
    <message>
        <source>No temperature sensor on this machine</source>
        <translation>Kein Temperatursensor auf diesem Rechner</translation>
    </message>
    <message>
        <source>%1 MHz</source>
        <translation>%1 MHz</translation>
    </message>
    <message>
        <source>one line per core</source>
        <translation>eine Linie pro Kern</translation>
    </message>
    <message>
        <source>one line per core · maximum %1 MHz</source>
        <translation>eine Linie pro Kern · höchstens %1 MHz</translation>
    </message>
    <message>
        <source>No CPU frequency scaling on this machine</source>
        <translation>Keine CPU-Taktsteuerung auf diesem Rechner</translation>
    </message>
    <message>
        <source>under-voltage</source>
        <translation>Unterspannung</translation>
    </message>
    <message>
        <source>frequency capped</source>
        <translation>Takt begrenzt</translation>
    </message>
    <message>
        <source>throttled</source>
        <translation>gedrosselt</translation>
    </message>
    <message>
        <source>soft temperature limit</source>
        <translation>weiche Temperaturgrenze</translation>
    </message>
    <message>
        <source>Raspberry Pi firmware reports: %1</source>
        <translation>Die Raspberry-Pi-Firmware meldet: %1</translation>
    </message>
    <message>
        <source>%1 soft limit %2 °C %3 hard limit %4 °C (thermal policy)</source>
        <translation>%1 weiche Grenze %2 °C %3 harte Grenze %4 °C (Temperaturrichtlinie)</translation>
    </message>
    <message>
        <source>No CPU time passed between the last two readings (the counters did not advance).</source>
        <translation>Zwischen den letzten zwei Messungen verging keine CPU-Zeit (die Zähler blieben stehen).</translation>
    </message>
    <message>
        <source>No thermal zone in %1.</source>
        <translation>Keine Thermalzone in %1.</translation>
    </message>
    <message>
        <source>No CPU frequency scaling (%1).</source>
        <translation>Keine CPU-Taktsteuerung (%1).</translation>
    </message>
    <message>
        <source>No core reports its current frequency.</source>
        <translation>Kein Kern meldet seinen aktuellen Takt.</translation>
    </message>
    <message>
        <source>Not a Raspberry Pi (no firmware throttling flags).</source>
        <translation>Kein Raspberry Pi (keine Drosselungs-Flags der Firmware).</translation>
    </message>
    <message>
        <source>The thermal policy stays inactive. %1</source>
        <translation>Die Temperaturrichtlinie bleibt inaktiv. %1</translation>
    </message>
    <message>
        <source>Virtual machines usually have none. %1</source>
        <translation>Virtuelle Maschinen haben meist keine. %1</translation>
    </message>
    <message>
        <source>CPU unknown (%1)</source>
        <translation>CPU unbekannt (%1)</translation>
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
            <numerusform>Läuft auf: %1-Kernels · %n Thread · %2</numerusform>
            <numerusform>Läuft auf: %1-Kernels · %n Threads · %2</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>edgert::ui::PlanPage</name>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>Öffnen …</translation>
    </message>
    <message>
        <source>A generation is running: the plan is fixed until it ends.</source>
        <translation>Eine Generierung läuft: Der Plan bleibt bis zu ihrem Ende fest.</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>No model open</source>
        <translation>Kein Modell geöffnet</translation>
    </message>
    <message>
        <source>Planning…</source>
        <translation>Plant …</translation>
    </message>
    <message numerus="yes">
        <source>%n group(s)</source>
        <translation>
            <numerusform>%n Gruppe</numerusform>
            <numerusform>%n Gruppen</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 pinned, %2 streamed</source>
        <translation>%1 fixiert, %2 gestreamt</translation>
    </message>
    <message>
        <source>%1 read per token</source>
        <translation>%1 gelesen pro Token</translation>
    </message>
    <message>
        <source>no disk reads while generating</source>
        <translation>keine Lesezugriffe während der Generierung</translation>
    </message>
    <message>
        <source>prefetch</source>
        <translation>Vorladen</translation>
    </message>
    <message>
        <source>peak %1 of %2</source>
        <translation>Spitze %1 von %2</translation>
    </message>
    <message numerus="yes">
        <source>%1, %n layer(s), dimension %2</source>
        <translation>
            <numerusform>%1, %n Schicht, Dimension %2</numerusform>
            <numerusform>%1, %n Schichten, Dimension %2</numerusform>
        </translation>
    </message>
    <message>
        <source>Tap a group to see its layers and tensors.</source>
        <translation>Tippen Sie auf eine Gruppe, um ihre Schichten und Tensoren zu sehen.</translation>
    </message>
    <message>
        <source>Group %1</source>
        <translation>Gruppe %1</translation>
    </message>
    <message>
        <source>Pinned: read once, stays in memory.</source>
        <translation>Fixiert: einmal gelesen, bleibt im Speicher.</translation>
    </message>
    <message>
        <source>Streamed: read from disk for every token.</source>
        <translation>Gestreamt: für jedes Token von der Platte gelesen.</translation>
    </message>
    <message>
        <source>Layer %1</source>
        <translation>Schicht %1</translation>
    </message>
    <message>
        <source>LM head</source>
        <translation>LM-Kopf</translation>
    </message>
    <message>
        <source>%1 needs at least %2: planned with %2 instead of your %3 (switching back restores it).</source>
        <translation>%1 braucht mindestens %2: geplant mit %2 statt Ihrer %3 (zurückschalten stellt sie wieder her).</translation>
    </message>
    <message>
        <source>%1 keeps every weight resident from %2: planned with %2 instead of your %3.</source>
        <translation>%1 hält ab %2 alle Gewichte resident: geplant mit %2 statt Ihrer %3.</translation>
    </message>
    <message>
        <source>%1 of weights: %2 in layer groups, %3 token embedding (read a row per token from the file, never pinned)</source>
        <translation>%1 Gewichte: %2 in Schichtgruppen, %3 Token-Einbettung (je Token eine Zeile aus der Datei gelesen, nie fixiert)</translation>
    </message>
    <message>
        <source>%1 of weights, all in layer groups</source>
        <translation>%1 Gewichte, alle in Schichtgruppen</translation>
    </message>
    <message numerus="yes">
        <source>KV cache for %n token(s) of context</source>
        <translation>
            <numerusform>KV-Cache für %n Token Kontext</numerusform>
            <numerusform>KV-Cache für %n Token Kontext</numerusform>
        </translation>
    </message>
    <message>
        <source>Open a model: a GGUF or SafeTensors file, or a HF model folder</source>
        <translation>Ein Modell öffnen: eine GGUF- oder SafeTensors-Datei oder einen HF-Modellordner</translation>
    </message>
    <message>
        <source>Open a model</source>
        <translation>Ein Modell öffnen</translation>
    </message>
    <message>
        <source>Models: GGUF, SafeTensors, HF folders (*.gguf *.safetensors *.safetensors.index.json config.json)</source>
        <translation>Modelle: GGUF, SafeTensors, HF-Ordner (*.gguf *.safetensors *.safetensors.index.json config.json)</translation>
    </message>
    <message>
        <source>GGUF files (*.gguf)</source>
        <translation>GGUF-Dateien (*.gguf)</translation>
    </message>
    <message>
        <source>SafeTensors files (*.safetensors *.safetensors.index.json)</source>
        <translation>SafeTensors-Dateien (*.safetensors *.safetensors.index.json)</translation>
    </message>
    <message>
        <source>HF model folders: their config.json (config.json)</source>
        <translation>HF-Modellordner: ihre config.json (config.json)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Öffnen</translation>
    </message>
</context>
<context>
    <name>edgert::ui::PlanView</name>
    <message>
        <source>Open a model to see its plan.</source>
        <translation>Öffnen Sie ein Modell, um seinen Plan zu sehen.</translation>
    </message>
    <message>
        <source>Head</source>
        <comment>LM head, short</comment>
        <translation>Kopf</translation>
    </message>
    <message>
        <source>LM head</source>
        <translation>LM-Kopf</translation>
    </message>
    <message>
        <source>L%1</source>
        <comment>layer, short</comment>
        <translation>S%1</translation>
    </message>
    <message>
        <source>Layer %1</source>
        <translation>Schicht %1</translation>
    </message>
    <message>
        <source>KV cache %1</source>
        <translation>KV-Cache %1</translation>
    </message>
    <message>
        <source>KV</source>
        <translation>KV</translation>
    </message>
    <message>
        <source>scratch %1</source>
        <translation>Arbeitspuffer %1</translation>
    </message>
    <message>
        <source>scratch</source>
        <translation>Puffer</translation>
    </message>
    <message>
        <source>G%1 %2</source>
        <translation>G%1 %2</translation>
    </message>
    <message>
        <source>G%1</source>
        <translation>G%1</translation>
    </message>
    <message>
        <source>streaming buffers %1</source>
        <translation>Streaming-Puffer %1</translation>
    </message>
    <message>
        <source>streaming</source>
        <translation>Streaming</translation>
    </message>
    <message>
        <source>free</source>
        <translation>frei</translation>
    </message>
    <message>
        <source>G%1 · pinned · %2</source>
        <translation>G%1 · fixiert · %2</translation>
    </message>
    <message>
        <source>G%1 · streamed · %2</source>
        <translation>G%1 · gestreamt · %2</translation>
    </message>
    <message>
        <source>pinned: stays in memory</source>
        <translation>fixiert: bleibt im Speicher</translation>
    </message>
    <message>
        <source>streamed: read per token</source>
        <translation>gestreamt: je Token gelesen</translation>
    </message>
</context>
<context>
    <name>edgert::ui::RunPage</name>
    <message>
        <source>Prompt — leave empty and the model starts a story</source>
        <translation>Prompt – leer lassen, dann beginnt das Modell eine Geschichte (auf Englisch)</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>Prompt</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Start</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stopp</translation>
    </message>
    <message>
        <source>Max tokens</source>
        <translation>Max. Tokens</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>Temperatur</translation>
    </message>
    <message>
        <source>greedy</source>
        <translation>aus</translation>
    </message>
    <message>
        <source>Generated text</source>
        <translation>Generierter Text</translation>
    </message>
    <message>
        <source>The generated text appears here, token by token.</source>
        <translation>Der generierte Text erscheint hier, Token für Token.</translation>
    </message>
    <message>
        <source>prefill tokens/s</source>
        <translation>Prefill Tokens/s</translation>
    </message>
    <message>
        <source>decode tokens/s</source>
        <translation>Decode Tokens/s</translation>
    </message>
    <message>
        <source>first token</source>
        <translation>erstes Token</translation>
    </message>
    <message>
        <source>tokens</source>
        <translation>Tokens</translation>
    </message>
    <message>
        <source>pool now / peak</source>
        <translation>Pool jetzt / Spitze</translation>
    </message>
    <message>
        <source>Stopping after the current layer group…</source>
        <translation>Halte nach der aktuellen Schichtgruppe an …</translation>
    </message>
    <message>
        <source>Running %1 with a %2 budget…</source>
        <translation>Läuft: %1 mit %2 Budget …</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message numerus="yes">
        <source>Stopped after %n token(s).</source>
        <translation>
            <numerusform>Nach %n Token angehalten.</numerusform>
            <numerusform>Nach %n Tokens angehalten.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Done: %1 · %n token(s).</source>
        <translation>
            <numerusform>Fertig: %1 · %n Token.</numerusform>
            <numerusform>Fertig: %1 · %n Tokens.</numerusform>
        </translation>
    </message>
    <message>
        <source>Loaded in %1 ms, %2 read from disk; every pool byte returned.</source>
        <translation>In %1 ms geladen, %2 von der Platte gelesen; jedes Pool-Byte zurückgegeben.</translation>
    </message>
    <message>
        <source>Loaded in %1 ms, %2 read from disk; %3 still leased from the pool!</source>
        <translation>In %1 ms geladen, %2 von der Platte gelesen; %3 noch aus dem Pool belegt!</translation>
    </message>
    <message>
        <source>This model has random weights (edge-rt synth): its text is meaningless. Use it to measure speed and memory.</source>
        <translation>Dieses Modell hat Zufallsgewichte (edge-rt synth): sein Text ist bedeutungslos. Es dient zum Messen von Tempo und Speicher.</translation>
    </message>
    <message>
        <source>Running %1 (chosen by Auto) with a %2 budget…</source>
        <translation>Läuft: %1 (von Auto gewählt) mit %2 Budget …</translation>
    </message>
    <message>
        <source>Weights read with O_DIRECT (no page-cache copy).</source>
        <translation>Gewichte mit O_DIRECT gelesen (keine Kopie im Seitencache).</translation>
    </message>
    <message>
        <source>Weights read through the page cache.</source>
        <translation>Gewichte über den Seitencache gelesen.</translation>
    </message>
    <message>
        <source>O_DIRECT was refused here: %1</source>
        <translation>O_DIRECT wurde hier abgelehnt: %1</translation>
    </message>
</context>
<context>
    <name>edgert::ui::Stepper</name>
    <message>
        <source>Decrease %1</source>
        <translation>%1 verringern</translation>
    </message>
    <message>
        <source>Increase %1</source>
        <translation>%1 erhöhen</translation>
    </message>
</context>
<context>
    <name>edgert::ui::TimelineView</name>
    <message>
        <source>load (disk read)</source>
        <translation>Laden (Lesen)</translation>
    </message>
    <message>
        <source>load on prefetch worker</source>
        <translation>Laden im Vorlade-Thread</translation>
    </message>
    <message>
        <source>compute</source>
        <translation>Rechnen</translation>
    </message>
    <message>
        <source>overlap</source>
        <translation>Überlappung</translation>
    </message>
    <message>
        <source>pass %1</source>
        <translation>Durchlauf %1</translation>
    </message>
    <message>
        <source>thermal policy: no sensor</source>
        <translation>Temperaturrichtlinie: kein Sensor</translation>
    </message>
    <message>
        <source>thermal policy: %1</source>
        <translation>Temperaturrichtlinie: %1</translation>
    </message>
    <message>
        <source>Run a prompt to see when each layer group loads and computes.</source>
        <translation>Führen Sie einen Prompt aus, um zu sehen, wann jede Schichtgruppe lädt und rechnet.</translation>
    </message>
    <message>
        <source>G%1 pinned</source>
        <translation>G%1 fixiert</translation>
    </message>
    <message>
        <source>G%1</source>
        <translation>G%1</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
</context>
</TS>
