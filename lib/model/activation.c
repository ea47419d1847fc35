/* The 14 nonlinearities of the model (docs/model.md) and their derivatives, in
 * double (reference, initial state) and float rows (portable kernels).
 * Softplus and mish use the overflow-safe sp(x) = max(x,0) + log1p(e^-|x|). */
#include "core/internal.h"
#include "model/net_priv.h"

#include <math.h>

#define LECUN_A 1.7159
#define LECUN_S (2.0 / 3.0)
#define GELU_C 0.7978845608028654 /* sqrt(2/pi) */
#define GELU_K 0.044715

static double sigmoid_d(double x)
{
    if (x >= 0)
        return 1.0 / (1.0 + exp(-x));
    double e = exp(x);
    return e / (1.0 + e);
}

static double softplus_d(double x)
{
    return fmax(x, 0.0) + log1p(exp(-fabs(x)));
}

int hdnet__act_trainable(int act)
{
    return act >= 0 && act < HDNET_ACT_COUNT && act != HDNET_ACT_BINARYMEANZERO;
}

double hdnet__act_f(int act, double s, double x)
{
    switch (act) {
    case HDNET_ACT_RETANH: return x > 0 ? tanh(x) : 0.0;
    case HDNET_ACT_TANH: return tanh(x);
    case HDNET_ACT_TANHWITHSLOPE: return tanh(s * x);
    case HDNET_ACT_TANHLECUN: return LECUN_A * tanh(LECUN_S * x);
    case HDNET_ACT_LINEARTANH: return x < -1 ? -1.0 : (x > 1 ? 1.0 : x);
    case HDNET_ACT_LINEAR: return x;
    case HDNET_ACT_RELU: return x > 0 ? x : 0.0;
    case HDNET_ACT_LOGISTIC: return sigmoid_d(x);
    case HDNET_ACT_SMOOTHRELU: return softplus_d(x);
    case HDNET_ACT_ELU: return x > 0 ? x : expm1(x);
    case HDNET_ACT_SWISH: return x * sigmoid_d(x);
    case HDNET_ACT_MISH: return x * tanh(softplus_d(x));
    case HDNET_ACT_GELU: {
        double u = GELU_C * (x + GELU_K * x * x * x);
        return 0.5 * x * (1.0 + tanh(u));
    }
    case HDNET_ACT_BINARYMEANZERO: return x >= 0 ? 1.0 : -1.0;
    default: return NAN;
    }
}

double hdnet__act_df(int act, double s, int kink, double x)
{
    switch (act) {
    case HDNET_ACT_RETANH: {
        if (x == 0)
            return kink == HDNET_KINK_HALF ? 0.5 : 0.0;
        if (x < 0)
            return 0.0;
        double t = tanh(x);
        return 1.0 - t * t;
    }
    case HDNET_ACT_TANH: {
        double t = tanh(x);
        return 1.0 - t * t;
    }
    case HDNET_ACT_TANHWITHSLOPE: {
        double t = tanh(s * x);
        return s * (1.0 - t * t);
    }
    case HDNET_ACT_TANHLECUN: {
        double t = tanh(LECUN_S * x);
        return LECUN_A * LECUN_S * (1.0 - t * t);
    }
    case HDNET_ACT_LINEARTANH:
        if (x == 1 || x == -1)
            return 0.5;
        return (x > -1 && x < 1) ? 1.0 : 0.0;
    case HDNET_ACT_LINEAR: return 1.0;
    case HDNET_ACT_RELU:
        if (x == 0)
            return kink == HDNET_KINK_HALF ? 0.5 : 0.0;
        return x > 0 ? 1.0 : 0.0;
    case HDNET_ACT_LOGISTIC: {
        double g = sigmoid_d(x);
        return g * (1.0 - g);
    }
    case HDNET_ACT_SMOOTHRELU: return sigmoid_d(x);
    case HDNET_ACT_ELU: return x > 0 ? 1.0 : exp(x);
    case HDNET_ACT_SWISH: {
        double g = sigmoid_d(x);
        return g * (1.0 + x * (1.0 - g));
    }
    case HDNET_ACT_MISH: {
        double t = tanh(softplus_d(x));
        return t + x * sigmoid_d(x) * (1.0 - t * t);
    }
    case HDNET_ACT_GELU: {
        double u = GELU_C * (x + GELU_K * x * x * x);
        double t = tanh(u);
        return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * GELU_C * (1.0 + 3.0 * GELU_K * x * x);
    }
    case HDNET_ACT_BINARYMEANZERO: return 0.0;
    default: return NAN;
    }
}

static float sigmoid_f(float x)
{
    if (x >= 0)
        return 1.0f / (1.0f + expf(-x));
    float e = expf(x);
    return e / (1.0f + e);
}

static float softplus_f(float x)
{
    return fmaxf(x, 0.0f) + log1pf(expf(-fabsf(x)));
}

void hdnet__act_rows(int act, float s, int kink, const float *a, float *f, float *d, size_t n)
{
    const float kh = kink == HDNET_KINK_HALF ? 0.5f : 0.0f;
    for (size_t i = 0; i < n; i++) {
        float x = a[i], y, g;
        switch (act) {
        case HDNET_ACT_RETANH:
            if (x > 0) {
                y = tanhf(x);
                g = 1.0f - y * y;
            } else {
                y = 0.0f;
                g = x == 0 ? kh : 0.0f;
            }
            break;
        case HDNET_ACT_TANH:
            y = tanhf(x);
            g = 1.0f - y * y;
            break;
        case HDNET_ACT_TANHWITHSLOPE:
            y = tanhf(s * x);
            g = s * (1.0f - y * y);
            break;
        case HDNET_ACT_TANHLECUN: {
            float t = tanhf((float)LECUN_S * x);
            y = (float)LECUN_A * t;
            g = (float)(LECUN_A * LECUN_S) * (1.0f - t * t);
            break;
        }
        case HDNET_ACT_LINEARTANH:
            y = x < -1 ? -1.0f : (x > 1 ? 1.0f : x);
            g = (x == 1 || x == -1) ? 0.5f : ((x > -1 && x < 1) ? 1.0f : 0.0f);
            break;
        case HDNET_ACT_LINEAR:
            y = x;
            g = 1.0f;
            break;
        case HDNET_ACT_RELU:
            y = x > 0 ? x : 0.0f;
            g = x > 0 ? 1.0f : (x == 0 ? kh : 0.0f);
            break;
        case HDNET_ACT_LOGISTIC:
            y = sigmoid_f(x);
            g = y * (1.0f - y);
            break;
        case HDNET_ACT_SMOOTHRELU:
            y = softplus_f(x);
            g = sigmoid_f(x);
            break;
        case HDNET_ACT_ELU:
            if (x > 0) {
                y = x;
                g = 1.0f;
            } else {
                y = expm1f(x);
                g = expf(x);
            }
            break;
        case HDNET_ACT_SWISH: {
            float q = sigmoid_f(x);
            y = x * q;
            g = q * (1.0f + x * (1.0f - q));
            break;
        }
        case HDNET_ACT_MISH: {
            float t = tanhf(softplus_f(x));
            y = x * t;
            g = t + x * sigmoid_f(x) * (1.0f - t * t);
            break;
        }
        case HDNET_ACT_GELU: {
            /* 0.5(1 + tanh u) = sigma(2u), 1 - tanh^2 u = 4 sigma(2u) sigma(-2u):
             * no cancellation for large negative x */
            float u = (float)GELU_C * (x + (float)GELU_K * x * x * x);
            float q = sigmoid_f(2.0f * u), qm = sigmoid_f(-2.0f * u);
            y = x * q;
            g = q + 2.0f * x * q * qm * (float)GELU_C * (1.0f + 3.0f * (float)GELU_K * x * x);
            break;
        }
        default: /* binarymeanzero */
            y = x >= 0 ? 1.0f : -1.0f;
            g = 0.0f;
            break;
        }
        f[i] = y;
        if (d)
            d[i] = g;
    }
}
