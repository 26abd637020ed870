"""Reference values from scikit-learn for @dendrite/learn's known-answer tests.

Run from the repository root with Debian's python3-sklearn:
    /usr/bin/python3 packages/learn/test/reference/make_refs.py && npx prettier --write packages/learn/test/reference
It rewrites packages/learn/test/reference/sklearn.ts: every input and every expected output,
as exact floats (Python's repr round-trips), so the tests need no Python.
"""
import csv, json, os, sys, warnings
warnings.simplefilter("ignore")  # newton-cg warns when it cannot improve a 1e-12 gradient further
import numpy as np
import sklearn
from sklearn import linear_model, metrics, preprocessing, decomposition, cluster, neighbors, model_selection

HERE = os.path.dirname(os.path.abspath(__file__))
DATASETS = os.path.join(HERE, "..", "..", "..", "data", "datasets")


def load(name):
    with open(os.path.join(DATASETS, name)) as f:
        return list(csv.DictReader(f))


def iris():
    rows = load("iris.csv")
    names = ["Iris-setosa", "Iris-versicolor", "Iris-virginica"]
    x = np.array([[float(r[c]) for c in ["sepal_length", "sepal_width", "petal_length", "petal_width"]] for r in rows])
    y = np.array([names.index(r["species"]) for r in rows])
    return x, y


AUTO_FEATURES = ["cylinders", "displacement", "horsepower", "weight", "acceleration", "model_year", "origin"]


def auto_mpg():
    rows = [r for r in load("auto-mpg.csv") if r["horsepower"] not in ("?", "")]
    x = np.array([[float(r[c]) for c in AUTO_FEATURES] for r in rows])
    y = np.array([float(r["mpg"]) for r in rows])
    return x, y


def tolist(a):
    return np.asarray(a, dtype=float).tolist()


out = {"sklearnVersion": sklearn.__version__}
rng = np.random.RandomState(0)

# --- linear models -----------------------------------------------------------------------------
x = rng.normal(size=(20, 3))
y = x @ np.array([1.5, -2.0, 0.5]) + 3.0 + 0.1 * rng.normal(size=20)
w = rng.uniform(0.5, 2.0, size=20)
lr = linear_model.LinearRegression().fit(x, y)
lr0 = linear_model.LinearRegression(fit_intercept=False).fit(x, y)
lrw = linear_model.LinearRegression().fit(x, y, sample_weight=w)
y2 = np.stack([y, x @ np.array([0.3, 0.2, -1.0]) - 1.0], axis=1)
lr2 = linear_model.LinearRegression().fit(x, y2)
xc = np.concatenate([x, x[:, :1] * 2.0 + x[:, 1:2]], axis=1)  # a collinear 4th column
lrc = linear_model.LinearRegression().fit(xc, y)
ridge = linear_model.Ridge(alpha=1.5).fit(x, y)
ridgew = linear_model.Ridge(alpha=1.5).fit(x, y, sample_weight=w)
lasso = linear_model.Lasso(alpha=0.1, tol=1e-12, max_iter=100000).fit(x, y)
poly = preprocessing.PolynomialFeatures(degree=2)
polyx = poly.fit_transform(x[:3, :2])
polyreg = linear_model.LinearRegression().fit(preprocessing.PolynomialFeatures(degree=2, include_bias=False).fit_transform(x), y)
out["linear"] = {
    "x": tolist(x), "y": tolist(y), "w": tolist(w), "y2": tolist(y2), "xc": tolist(xc),
    "coef": tolist(lr.coef_), "intercept": float(lr.intercept_),
    "predict": tolist(lr.predict(x[:5])),
    "coefNoIntercept": tolist(lr0.coef_),
    "coefWeighted": tolist(lrw.coef_), "interceptWeighted": float(lrw.intercept_),
    "coefMulti": tolist(lr2.coef_), "interceptMulti": tolist(lr2.intercept_),
    "coefCollinear": tolist(lrc.coef_), "interceptCollinear": float(lrc.intercept_),
    "ridgeCoef": tolist(ridge.coef_), "ridgeIntercept": float(ridge.intercept_),
    "ridgeCoefWeighted": tolist(ridgew.coef_), "ridgeInterceptWeighted": float(ridgew.intercept_),
    "lassoCoef": tolist(lasso.coef_), "lassoIntercept": float(lasso.intercept_),
    "polyFeatures": tolist(polyx), "polyNames": list(poly.get_feature_names_out(["a", "b"])),
    "polyRegCoef": tolist(polyreg.coef_), "polyRegIntercept": float(polyreg.intercept_),
}

ax, ay = auto_mpg()
alr = linear_model.LinearRegression().fit(ax, ay)
out["autoMpg"] = {"rows": len(ay), "coef": tolist(alr.coef_), "intercept": float(alr.intercept_),
                  "r2": float(metrics.r2_score(ay, alr.predict(ax)))}

# --- logistic regression -----------------------------------------------------------------------
ix, iy = iris()
lg = linear_model.LogisticRegression(C=1.0, solver="newton-cg", tol=1e-12, max_iter=1000).fit(ix, iy)
bin_mask = iy > 0
bx, by = ix[bin_mask][:, :2], iy[bin_mask] - 1
lgb = linear_model.LogisticRegression(C=0.5, solver="newton-cg", tol=1e-12, max_iter=1000).fit(bx, by)
# Imbalanced and unscaled: Auto MPG, is the car from Japan (origin 3, about 20 %)? raw features.
jy = (ax[:, 6] == 3).astype(int)
jx = ax[:, :6]
lgj = linear_model.LogisticRegression(C=1.0, solver="newton-cg", tol=1e-12, max_iter=1000).fit(jx, jy)
out["logistic"] = {
    "irisCoef": tolist(lg.coef_), "irisIntercept": tolist(lg.intercept_),
    "irisProba": tolist(lg.predict_proba(ix[[0, 50, 100, 70, 120]])),
    "irisAccuracy": float(lg.score(ix, iy)),
    "binaryCoef": tolist(lgb.coef_), "binaryIntercept": tolist(lgb.intercept_),
    "japanCoef": tolist(lgj.coef_), "japanIntercept": tolist(lgj.intercept_),
    "japanPositives": int(jy.sum()), "japanAccuracy": float(lgj.score(jx, jy)),
    "japanPredictedPositives": int(lgj.predict(jx).sum()),
}

# --- PCA, KMeans, KNN --------------------------------------------------------------------------
pca = decomposition.PCA(n_components=3, svd_solver="full").fit(ix)
out["pca"] = {
    "components": tolist(pca.components_), "explainedVariance": tolist(pca.explained_variance_),
    "explainedVarianceRatio": tolist(pca.explained_variance_ratio_),
    "singularValues": tolist(pca.singular_values_), "mean": tolist(pca.mean_),
    "transform": tolist(pca.transform(ix[:3])),
    "whitened": tolist(decomposition.PCA(n_components=2, whiten=True, svd_solver="full").fit(ix).transform(ix[:3])),
}
init = ix[[0, 50, 100]]
km = cluster.KMeans(n_clusters=3, init=init, n_init=1, algorithm="lloyd", tol=1e-4).fit(ix)
out["kmeans"] = {"init": tolist(init), "centers": tolist(km.cluster_centers_), "inertia": float(km.inertia_),
                 "labels": km.labels_.tolist(), "iterations": int(km.n_iter_)}
train = np.arange(0, 150, 2)
test = np.arange(1, 150, 2)
knn = neighbors.KNeighborsClassifier(n_neighbors=5).fit(ix[train], iy[train])
knnd = neighbors.KNeighborsClassifier(n_neighbors=7, weights="distance").fit(ix[train], iy[train])
knr = neighbors.KNeighborsRegressor(n_neighbors=4).fit(ax[:300], ay[:300])
knrd = neighbors.KNeighborsRegressor(n_neighbors=4, weights="distance").fit(ax[:300], ay[:300])
out["knn"] = {"predict": knn.predict(ix[test]).tolist(), "proba": tolist(knn.predict_proba(ix[test[:5]])),
              "predictDistance": knnd.predict(ix[test]).tolist(),
              "regPredict": tolist(knr.predict(ax[300:310])), "regPredictDistance": tolist(knrd.predict(ax[300:310]))}

# --- preprocessing -----------------------------------------------------------------------------
px = np.array([[1.0, -2.0, 10.0], [2.0, 0.0, 10.0], [4.0, 5.0, 10.0], [7.0, 1.0, 10.0], [100.0, 3.0, 10.0]])
ss = preprocessing.StandardScaler().fit(px)
mm = preprocessing.MinMaxScaler(feature_range=(-1, 1)).fit(px)
rs = preprocessing.RobustScaler().fit(px)
labels = np.array([0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 0, 1, 2, 0])
skf = model_selection.StratifiedKFold(n_splits=3).split(np.zeros(len(labels)), labels)
kf = model_selection.KFold(n_splits=3).split(np.zeros(10))
out["preprocessing"] = {
    "x": tolist(px),
    "standardMean": tolist(ss.mean_), "standardScale": tolist(ss.scale_), "standard": tolist(ss.transform(px)),
    "minMax": tolist(mm.transform(px)), "robustCenter": tolist(rs.center_), "robustScale": tolist(rs.scale_),
    "robust": tolist(rs.transform(px)),
    "labels": labels.tolist(), "stratifiedFolds": [t.tolist() for _, t in skf], "kFolds": [t.tolist() for _, t in kf],
}

# --- metrics -----------------------------------------------------------------------------------
yt = np.array([3.0, -0.5, 2.0, 7.0, 4.2, 1.0])
yp = np.array([2.5, 0.0, 2.0, 8.0, 3.9, 1.3])
out["regressionMetrics"] = {
    "yTrue": tolist(yt), "yPred": tolist(yp),
    "r2": metrics.r2_score(yt, yp), "mae": metrics.mean_absolute_error(yt, yp),
    "mse": metrics.mean_squared_error(yt, yp), "rmse": metrics.mean_squared_error(yt, yp, squared=False),
    "mape": metrics.mean_absolute_percentage_error(yt, yp),
    "explainedVariance": metrics.explained_variance_score(yt, yp), "maxError": metrics.max_error(yt, yp),
    "r2Constant": metrics.r2_score([2.0, 2.0, 2.0], [2.0, 2.0, 2.5]),
    "r2ConstantNotFinite": str(metrics.r2_score([2.0, 2.0, 2.0], [2.0, 2.0, 2.5], force_finite=False)),
}
ct = np.array([0, 1, 2, 2, 1, 0, 0, 2, 1, 1, 2, 0, 2, 2])
cp = np.array([0, 2, 2, 2, 1, 0, 1, 1, 1, 0, 2, 0, 2, 1])
bt = np.array([0, 1, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1])
bp = np.array([0, 1, 0, 0, 1, 1, 1, 0, 1, 0, 0, 1])
scores = np.array([0.1, 0.8, 0.35, 0.4, 0.9, 0.65, 0.7, 0.2, 0.65, 0.3, 0.5, 0.95])
proba3 = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.2, 0.6], [0.05, 0.15, 0.8], [0.3, 0.6, 0.1],
                   [0.8, 0.1, 0.1], [0.4, 0.5, 0.1], [0.2, 0.5, 0.3], [0.1, 0.8, 0.1], [0.5, 0.4, 0.1],
                   [0.1, 0.1, 0.8], [0.6, 0.3, 0.1], [0.2, 0.1, 0.7], [0.3, 0.4, 0.3]])
fpr, tpr, thr = metrics.roc_curve(bt, scores)
pr, rc, pth = metrics.precision_recall_curve(bt, scores)
cls = {"yTrue": ct.tolist(), "yPred": cp.tolist(), "binaryTrue": bt.tolist(), "binaryPred": bp.tolist(),
       "scores": tolist(scores), "proba3": tolist(proba3),
       "accuracy": metrics.accuracy_score(ct, cp), "balancedAccuracy": metrics.balanced_accuracy_score(ct, cp),
       "confusion": metrics.confusion_matrix(ct, cp).tolist(),
       "confusionTrue": tolist(metrics.confusion_matrix(ct, cp, normalize="true")),
       "confusionPred": tolist(metrics.confusion_matrix(ct, cp, normalize="pred")),
       "binaryPrecision": metrics.precision_score(bt, bp), "binaryRecall": metrics.recall_score(bt, bp),
       "binaryF1": metrics.f1_score(bt, bp), "binaryF2": metrics.fbeta_score(bt, bp, beta=2.0),
       "rocFpr": tolist(fpr), "rocTpr": tolist(tpr), "rocThresholds": tolist(thr[1:]),
       "rocAuc": metrics.roc_auc_score(bt, scores),
       "rocAucOvr": metrics.roc_auc_score(ct, proba3, multi_class="ovr"),
       "rocAucOvrWeighted": metrics.roc_auc_score(ct, proba3, multi_class="ovr", average="weighted"),
       "prPrecision": tolist(pr), "prRecall": tolist(rc), "prThresholds": tolist(pth),
       "averagePrecision": metrics.average_precision_score(bt, scores),
       "logLoss": metrics.log_loss(ct, proba3), "logLossBinary": metrics.log_loss(bt, scores),
       "kappa": metrics.cohen_kappa_score(ct, cp), "kappaLinear": metrics.cohen_kappa_score(ct, cp, weights="linear"),
       "kappaQuadratic": metrics.cohen_kappa_score(ct, cp, weights="quadratic"),
       "mcc": metrics.matthews_corrcoef(ct, cp), "mccBinary": metrics.matthews_corrcoef(bt, bp)}
for avg in ["micro", "macro", "weighted"]:
    cls["precision_" + avg] = metrics.precision_score(ct, cp, average=avg)
    cls["recall_" + avg] = metrics.recall_score(ct, cp, average=avg)
    cls["f1_" + avg] = metrics.f1_score(ct, cp, average=avg)
    cls["f05_" + avg] = metrics.fbeta_score(ct, cp, beta=0.5, average=avg)
cls["f1_none"] = tolist(metrics.f1_score(ct, cp, average=None))
out["classificationMetrics"] = cls

# --- a tall least-squares problem crossing the blocked QR's 32-column panels ---------------------
# Inputs from an integer formula (exact in both languages, no data pasted):
# x[i, j] = ((37 i² + 61 j² + 17 i j + 5 i + 11 j) mod 1009) / 1009 − 0.5, 150 × 70 (condition
# number ≈ 4), and the same with two collinear columns appended (x0 + 2 x5, a copy of x3: rank 70 of 72).
ti, tj = np.meshgrid(np.arange(150), np.arange(70), indexing="ij")
tx = ((37 * ti * ti + 61 * tj * tj + 17 * ti * tj + 5 * ti + 11 * tj) % 1009) / 1009.0 - 0.5
tw = np.cos(np.arange(70.0))
ty = tx @ tw + 0.1 * np.sin(3.1 * np.arange(150.0)) + 2.0
ty2 = np.stack([ty, np.cos(0.3 * np.arange(150.0))], axis=1)
txc = np.concatenate([tx, tx[:, :1] + 2.0 * tx[:, 5:6], tx[:, 3:4]], axis=1)
tall = linear_model.LinearRegression().fit(tx, ty2)
tallc = linear_model.LinearRegression().fit(txc, ty)
out["tall"] = {"coef": tolist(tall.coef_), "intercept": tolist(tall.intercept_),
               "coefCollinear": tolist(tallc.coef_), "interceptCollinear": float(tallc.intercept_),
               "rankCollinear": int(np.linalg.matrix_rank(txc - txc.mean(axis=0)))}


def to_ts(v):
    return json.dumps(v, indent=None, default=float)


with open(os.path.join(HERE, "sklearn.ts"), "w") as f:
    f.write("// Generated by make_refs.py from scikit-learn " + sklearn.__version__ + " (NumPy " + np.__version__ + ");\n")
    f.write("// do not edit: rerun `/usr/bin/python3 packages/learn/test/reference/make_refs.py`.\n")
    for k, v in out.items():
        f.write(f"export const {k} = {to_ts(v)};\n")
print("wrote", os.path.join(HERE, "sklearn.ts"))
