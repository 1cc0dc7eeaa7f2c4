"""Benchmark: the accuracy and speed of the category suggestion on the demo appeals.

Generates N demo appeals (amanat.demo.appeal_texts.sample_appeal, the texts the demo data uses:
~65 % Russian, ~35 % Kazakh, every leaf category alike), trains the production pipeline
(amanat.appeals.classifier: character 2–5-gram TF-IDF + logistic-loss linear model) on a random
80 % and reports, on the held-out 20 %, top-1 and top-3 accuracy overall and per language, the
training time and the time of one suggestion (p50/p95 over single-text predictions, as the
intake form asks). No database is needed.

    python -m bench appeals_classifier                     # 50,000 appeals (40,000 to train on)
    python -m bench appeals_classifier --appeals 5000      # a quick check
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections import defaultdict

SEED = 20260301


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench appeals_classifier")
    parser.add_argument("--appeals", type=int, default=50_000, help="demo appeals to generate (default %(default)s)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--timed", type=int, default=500, help="single-text predictions to time (default %(default)s)")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from amanat.appeals import classifier
    from amanat.demo.appeal_texts import sample_appeal

    rng = random.Random(args.seed)
    started = time.perf_counter()
    samples = [sample_appeal(rng) for _ in range(args.appeals)]
    rng.shuffle(samples)
    cut = int(len(samples) * 0.8)
    train, test = samples[:cut], samples[cut:]
    codes = sorted({s["category"] for s in samples})
    label = {code: n for n, code in enumerate(codes)}
    print(f"generated {len(samples):,} appeals in {time.perf_counter() - started:.1f} s; {len(codes)} categories")

    started, cpu = time.perf_counter(), time.process_time()
    pipeline = classifier.fit(
        [classifier.prepare(s["subject"], s["text"]) for s in train], [label[s["category"]] for s in train]
    )
    train_seconds, train_cpu = time.perf_counter() - started, time.process_time() - cpu
    features = len(pipeline.named_steps["tfidf"].vocabulary_)
    print(f"trained on {len(train):,} appeals in {train_seconds:.1f} s, CPU {train_cpu:.1f} s ({features:,} features)")
    classes = list(pipeline.classes_)

    # The operator's form sends the text (evaluated alone) and perhaps a subject line (evaluated
    # alone too: a few words are the hard case).
    hits: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # language -> [n, top1, top3]
    started = time.perf_counter()
    for part in ("text", "subject"):
        probabilities = pipeline.predict_proba([classifier.prepare("", s[part]) for s in test])
        for sample, row in zip(test, probabilities, strict=True):
            top = [classes[i] for i in row.argsort()[::-1][:3]]
            truth = label[sample["category"]]
            for key in (f"{part}:{sample['language']}", f"{part}:all"):
                hits[key][0] += 1
                hits[key][1] += top[0] == truth
                hits[key][2] += truth in top
    batch_seconds = time.perf_counter() - started

    payload = {"pipeline": pipeline, "category_ids": classes, "category_codes": codes}
    timings, cpu_timings = [], []
    for sample in test[: args.timed]:
        t0, c0 = time.perf_counter(), time.process_time()
        classifier.predict(payload, classifier.prepare("", sample["text"]), 3)
        timings.append((time.perf_counter() - t0) * 1000)
        cpu_timings.append((time.process_time() - c0) * 1000)
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[int(0.95 * (len(timings) - 1))]

    print()
    print("| held-out 20 % | read | appeals | top-1 | top-3 |")
    print("| --- | --- | ---: | ---: | ---: |")
    for part, read in (("text", "the text"), ("subject", "the subject line only")):
        for lang, name in (("ru", "Russian"), ("kk", "Kazakh"), ("all", "all")):
            n, top1, top3 = hits[f"{part}:{lang}"]
            if n:
                print(f"| {name} | {read} | {n:,} | {100 * top1 / n:.1f} % | {100 * top3 / n:.1f} % |")
    print()
    print(f"training: {train_seconds:.1f} s wall, {train_cpu:.1f} s CPU on {len(train):,} appeals")
    print(f"batch prediction of {2 * len(test):,} texts: {batch_seconds:.2f} s")
    print(
        f"one suggestion: p50 {p50:.2f} ms, p95 {p95:.2f} ms wall; "
        f"CPU p50 {statistics.median(cpu_timings):.2f} ms (over {len(timings)} texts)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
